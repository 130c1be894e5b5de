package io.shopstack.order.orders;

/**
 * Where an order is in its life. PENDING until inventory answers; then CONFIRMED (stock held) or
 * REJECTED (not enough stock). A PENDING or CONFIRMED order can be CANCELLED; a PENDING order that
 * inventory never answered for is EXPIRED by the batch job. Every change is a guarded update from
 * the states it may start from, so concurrent changes cannot both win.
 */
public enum OrderStatus {
  PENDING,
  CONFIRMED,
  REJECTED,
  CANCELLED,
  EXPIRED
}
