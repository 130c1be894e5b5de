package io.shopstack.inventory.reservations;

public enum ReservationStatus {
  /** Every line is held for the order. */
  RESERVED,
  /** Some line could not be served; nothing was held. */
  REJECTED,
  /** What was held went back to stock, or the order was released before it ever reserved. */
  RELEASED
}
