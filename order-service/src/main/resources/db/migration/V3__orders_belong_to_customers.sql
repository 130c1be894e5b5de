-- Every order belongs to the customer who placed it: the subject (sub) of their access token.
-- Orders placed before identity existed get the owner '(none)', which no token has: only an
-- operator's listing shows them.
alter table orders add column customer varchar(255) not null default '(none)';
alter table orders alter column customer drop default;

-- Idempotency keys are the customer's own: two customers may pick the same key, and a replay never
-- shows one customer's order to another.
alter table orders drop constraint orders_idempotency_key_uk;
alter table orders add constraint orders_customer_idempotency_key_uk
    unique (customer, idempotency_key);

-- A customer's list, newest first, with and without a status filter.
create index orders_customer_created_at_idx on orders (customer, created_at);
create index orders_customer_status_created_at_idx on orders (customer, status, created_at);
