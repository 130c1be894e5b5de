package io.shopstack.order.inventory;

import java.util.List;

/** What came of asking inventory to reserve an order's lines. */
public sealed interface ReservationOutcome {

  /** Every line is held for the order. */
  record Reserved() implements ReservationOutcome {}

  /** Some line cannot be served, so nothing is held. */
  record Rejected(List<Shortage> shortages) implements ReservationOutcome {}

  /**
   * The order was released (cancelled or expired) before this reservation arrived, so nothing is
   * held; whoever released it settles the order.
   */
  record Released() implements ReservationOutcome {}

  /** Inventory could not be reached or failed: unknown, try again later. */
  record Unavailable() implements ReservationOutcome {}
}
