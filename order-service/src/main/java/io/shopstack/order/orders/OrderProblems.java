package io.shopstack.order.orders;

import io.shopstack.defaults.web.Problems;
import io.shopstack.order.inventory.Shortage;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The problem documents of the order API; service-defaults renders them. */
final class OrderProblems {

  private OrderProblems() {}

  /** A 400 in the same shape as bean validation errors. */
  static ErrorResponseException invalid(String detail, List<Map<String, String>> errors) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    problem.setTitle("Invalid request");
    problem.setProperty("errors", errors);
    return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
  }

  static ErrorResponseException notFound(UUID id) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.NOT_FOUND,
            "order-not-found",
            "Order not found",
            "There is no order " + id + ".");
    problem.setProperty("orderId", id);
    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
  }

  static ErrorResponseException insufficientStock(UUID orderId, List<Shortage> lines) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.CONFLICT,
            "insufficient-stock",
            "Insufficient stock",
            "Not every line can be served, so order " + orderId + " is rejected.");
    problem.setProperty("orderId", orderId);
    problem.setProperty("lines", lines);
    return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
  }

  static ErrorResponseException keyReused() {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.UNPROCESSABLE_CONTENT,
            "idempotency-key-reused",
            "Idempotency key reused",
            "This Idempotency-Key was already used for another request; use a new key for a new"
                + " order.");
    return new ErrorResponseException(HttpStatus.UNPROCESSABLE_CONTENT, problem, null);
  }

  static ErrorResponseException notCancellable(Order order) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.CONFLICT,
            "order-not-cancellable",
            "Order cannot be cancelled",
            "Order " + order.id() + " is " + order.status() + ", so there is nothing to cancel.");
    problem.setProperty("orderId", order.id());
    problem.setProperty("orderStatus", order.status());
    return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
  }
}
