package io.shopstack.order.orders;

import java.util.List;

/**
 * Where an order is in its life. PENDING until inventory answers; then CONFIRMED (stock held) or
 * REJECTED (not enough stock). A PENDING or CONFIRMED order can be cancelled; a PENDING order that
 * inventory never answered for is expired by the batch job. Both go through a recorded intent,
 * CANCELLING or EXPIRING, stored before inventory is asked to release the stock and finished
 * (CANCELLED, EXPIRED) once it has: so a lost answer or a crash between the two steps leaves an
 * order that the next request or batch run completes, never a CONFIRMED order without stock. Every
 * change is a guarded update from the states it may start from, so concurrent changes cannot both
 * win.
 */
public enum OrderStatus {
  PENDING,
  CONFIRMED,
  REJECTED,
  CANCELLING,
  CANCELLED,
  EXPIRING,
  EXPIRED;

  /** The states no change leaves. */
  public static final List<OrderStatus> FINAL = List.of(REJECTED, CANCELLED, EXPIRED);

  /** The states the batch job still has work for (CONFIRMED is settled: it holds its stock). */
  public static final List<OrderStatus> UNSETTLED = List.of(PENDING, CANCELLING, EXPIRING);
}
