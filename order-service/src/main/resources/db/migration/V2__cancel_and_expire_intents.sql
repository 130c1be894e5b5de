-- CANCELLING and EXPIRING record the intent to cancel or expire an order in order-service's own
-- transaction before inventory is asked to release its stock. Whatever happens next (inventory's
-- answer lost, order-service killed), the order is no longer PENDING or CONFIRMED, and the request
-- that recorded it or the next batch run finishes it (release, then CANCELLED or EXPIRED).
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
    check (status in ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLING', 'CANCELLED',
                      'EXPIRING', 'EXPIRED'));
