-- An order and the POST that created it. The unique idempotency key is what makes creation
-- idempotent: concurrent requests with one key insert with "on conflict do nothing", so exactly one
-- of them creates the order and the others replay it. request_hash (SHA-256 of the normalized
-- request) tells a replay from a reused key with another body. reply_status is the HTTP status of
-- the first answer (201, 202 or 409), replayed to later requests with the same key; null while the
-- first request is still in flight.
create table orders (
    id              uuid         primary key,
    idempotency_key varchar(100) not null,
    request_hash    char(64)     not null,
    status          varchar(16)  not null
        check (status in ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'EXPIRED')),
    reply_status    smallint     check (reply_status in (201, 202, 409)),
    created_at      timestamptz  not null default now(),
    updated_at      timestamptz  not null default now(),
    constraint orders_idempotency_key_uk unique (idempotency_key)
);

-- GET /api/orders?status= (newest first) and the batch job's look-up of old PENDING orders.
create index orders_status_created_at_idx on orders (status, created_at);
-- GET /api/orders without a status filter (newest first).
create index orders_created_at_idx on orders (created_at);

-- The lines in the order they were given. available is the stock inventory reported for the line
-- when it rejected the order (null otherwise), kept so that a replay can repeat the 409 answer.
create table order_line (
    order_id  uuid        not null references orders (id),
    line_no   integer     not null,
    sku       varchar(64) not null,
    quantity  integer     not null check (quantity > 0),
    available integer,
    primary key (order_id, line_no)
);
