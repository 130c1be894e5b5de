package io.shopstack.inventory.items;

import io.shopstack.defaults.web.Problems;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The problem documents of the item APIs; service-defaults renders them. */
final class ItemProblems {

  private ItemProblems() {}

  static ErrorResponseException notFound(String sku) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.NOT_FOUND,
            "item-not-found",
            "Item not found",
            "There is no item with sku " + sku + ".");
    problem.setProperty("sku", sku);
    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
  }

  static ErrorResponseException invalidSku() {
    return invalid("The request has invalid parameters.", "sku", "must match \"" + Item.SKU + "\"");
  }

  /** A 400 shaped like the ones for invalid bodies: which field, and what is wrong with it. */
  static ErrorResponseException invalid(String detail, String field, String message) {
    ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
    problem.setTitle("Invalid request");
    problem.setDetail(detail);
    problem.setProperty("errors", List.of(Map.of("field", field, "message", message)));
    return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
  }

  static ErrorResponseException adjustmentRefused(String sku, int change, int available) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.CONFLICT,
            "stock-adjustment-refused",
            "Stock adjustment refused",
            "Changing the stock of %s by %d would take it below 0 or above %d; it is %d."
                .formatted(sku, change, StockAdjustment.MAX_AVAILABLE, available));
    problem.setProperty("sku", sku);
    problem.setProperty("change", change);
    problem.setProperty("available", available);
    return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
  }

  static ErrorResponseException adjustmentMismatch(UUID id) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.UNPROCESSABLE_CONTENT,
            "stock-adjustment-mismatch",
            "Adjustment id already used",
            "Adjustment " + id + " was already made with another sku or change.");
    problem.setProperty("adjustmentId", id);
    return new ErrorResponseException(HttpStatus.UNPROCESSABLE_CONTENT, problem, null);
  }
}
