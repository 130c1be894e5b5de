package io.shopstack.inventory.items;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** The new stock of an item. */
record StockUpdate(@NotNull @Min(0) @Max(MAX_AVAILABLE) Integer available) {

  /**
   * Keeps {@code available}, plus whatever outstanding reservations give back, well inside a
   * PostgreSQL {@code integer}.
   */
  static final int MAX_AVAILABLE = 1_000_000_000;
}
