package io.shopstack.order.orders;

import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.NOT_FOUND;
import static org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT;

import io.shopstack.defaults.web.Problems;
import io.shopstack.order.inventory.Shortage;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.ErrorResponseException;

/** The problem documents of the order API; service-defaults renders them. */
final class OrderProblems {

  private OrderProblems() {}

  /** A 400 in the same shape as bean validation errors. */
  static ErrorResponseException invalid(String detail, List<Map<String, String>> errors) {
    return Problems.invalid(detail, errors);
  }

  static ErrorResponseException notFound(UUID id) {
    return Problems.error(
        NOT_FOUND,
        "order-not-found",
        "Order not found",
        "There is no order " + id + ".",
        Map.of("orderId", id));
  }

  static ErrorResponseException insufficientStock(UUID orderId, List<Shortage> lines) {
    return Problems.error(
        CONFLICT,
        "insufficient-stock",
        "Insufficient stock",
        "Not every line can be served, so order " + orderId + " is rejected.",
        Map.of("orderId", orderId, "lines", lines));
  }

  static ErrorResponseException keyReused() {
    return Problems.error(
        UNPROCESSABLE_CONTENT,
        "idempotency-key-reused",
        "Idempotency key reused",
        "This Idempotency-Key was already used for another request; use a new key for a new"
            + " order.",
        Map.of());
  }

  static ErrorResponseException notCancellable(Order order) {
    return Problems.error(
        CONFLICT,
        "order-not-cancellable",
        "Order cannot be cancelled",
        "Order " + order.id() + " is " + order.status() + ", so there is nothing to cancel.",
        Map.of("orderId", order.id(), "orderStatus", order.status()));
  }
}
