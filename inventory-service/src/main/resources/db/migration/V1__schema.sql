-- Stock can never go negative, whatever the code does: the guarded updates keep it so, and this
-- constraint makes any mistake fail loudly instead of overselling.
create table item (
    sku       varchar(64)  primary key,
    name      varchar(200) not null,
    available integer      not null check (available >= 0)
);

-- One row per order id: the primary key is what makes a reservation idempotent and lets
-- concurrent requests for one order wait for each other (insert ... on conflict do nothing).
-- A RELEASED row without lines is a tombstone: the order was released before it was reserved.
create table reservation (
    order_id   uuid        primary key,
    status     varchar(16) not null check (status in ('RESERVED', 'REJECTED', 'RELEASED')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- Every line as requested (duplicate skus summed). No foreign key to item: a rejected reservation
-- records unknown skus too. short_available is the stock seen when the line could not be served
-- (only on REJECTED reservations), null otherwise. The primary key serves the look-up by order id.
create table reservation_line (
    order_id        uuid        not null references reservation (order_id),
    sku             varchar(64) not null,
    quantity        integer     not null check (quantity > 0),
    short_available integer     check (short_available >= 0),
    primary key (order_id, sku)
);
