package io.shopstack.inventory.items;

import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.NOT_FOUND;
import static org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT;

import io.shopstack.defaults.web.Problems;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.ErrorResponseException;

/** The problem documents of the item APIs; service-defaults renders them. */
final class ItemProblems {

  private ItemProblems() {}

  static ErrorResponseException notFound(String sku) {
    return Problems.error(
        NOT_FOUND,
        "item-not-found",
        "Item not found",
        "There is no item with sku " + sku + ".",
        Map.of("sku", sku));
  }

  static ErrorResponseException invalidSku() {
    return invalid("The request has invalid parameters.", "sku", "must match \"" + Item.SKU + "\"");
  }

  /** A 400 shaped like the ones for invalid bodies: which field, and what is wrong with it. */
  static ErrorResponseException invalid(String detail, String field, String message) {
    return Problems.invalid(detail, List.of(Map.of("field", field, "message", message)));
  }

  static ErrorResponseException adjustmentRefused(String sku, int change, int available) {
    return Problems.error(
        CONFLICT,
        "stock-adjustment-refused",
        "Stock adjustment refused",
        "Changing the stock of %s by %d would take it below 0 or above %d; it is %d."
            .formatted(sku, change, StockAdjustment.MAX_AVAILABLE, available),
        Map.of("sku", sku, "change", change, "available", available));
  }

  static ErrorResponseException adjustmentMismatch(UUID id) {
    return Problems.error(
        UNPROCESSABLE_CONTENT,
        "stock-adjustment-mismatch",
        "Adjustment id already used",
        "Adjustment " + id + " was already made with another sku or change.",
        Map.of("adjustmentId", id));
  }
}
