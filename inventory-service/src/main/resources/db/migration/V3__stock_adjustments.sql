-- Stock changes only by relative adjustments that an operator (or a test) sends, each with its own
-- id so that a repeated request changes nothing. The ledger is what makes stock auditable: for every
-- sku, the sum of its adjustments minus its available stock is the quantity that RESERVED
-- reservations hold (the invariant the stack tests check after every scenario).
create table stock_adjustment (
    id         uuid        primary key,
    sku        varchar(64) not null references item (sku),
    change     integer     not null check (change <> 0),
    created_at timestamptz not null default now()
);

create index stock_adjustment_sku_idx on stock_adjustment (sku);

-- The stock that existing items already had (the demo catalogue, or a database from before this
-- version): what is available plus what reservations hold, as one opening adjustment per item.
insert into stock_adjustment (id, sku, change)
select gen_random_uuid(), i.sku, i.available + coalesce(h.held, 0)
from item i
left join (
    select l.sku, sum(l.quantity) as held
    from reservation_line l
    join reservation r on r.order_id = l.order_id
    where r.status = 'RESERVED'
    group by l.sku
) h on h.sku = i.sku
where i.available + coalesce(h.held, 0) <> 0;
