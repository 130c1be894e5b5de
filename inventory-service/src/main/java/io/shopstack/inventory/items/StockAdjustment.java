package io.shopstack.inventory.items;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * A relative change of an item's stock: units received (positive) or written off (negative). Its id
 * is in the path, so repeating the request changes nothing.
 */
record StockAdjustment(@NotNull @Min(-MAX_AVAILABLE) @Max(MAX_AVAILABLE) Integer change) {

  /**
   * Keeps {@code available}, plus whatever outstanding reservations give back, well inside a
   * PostgreSQL {@code integer}.
   */
  static final int MAX_AVAILABLE = 1_000_000_000;
}
