package io.shopstack.inventory.reservations;

import io.shopstack.defaults.web.Problems;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The problem documents of the reservation API; service-defaults renders them. */
final class ReservationProblems {

  private ReservationProblems() {}

  static ErrorResponseException insufficientStock(UUID orderId, List<ShortLine> lines) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.CONFLICT,
            "insufficient-stock",
            "Insufficient stock",
            "Not every line can be served, so nothing was reserved for order " + orderId + ".");
    problem.setProperty("orderId", orderId);
    problem.setProperty("lines", lines);
    return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
  }

  static ErrorResponseException released(UUID orderId) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.CONFLICT,
            "reservation-released",
            "Reservation released",
            "Order " + orderId + " was released, so it can no longer reserve stock.");
    problem.setProperty("orderId", orderId);
    return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
  }

  static ErrorResponseException mismatch(UUID orderId) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.UNPROCESSABLE_CONTENT,
            "reservation-mismatch",
            "Order id already used",
            "Order " + orderId + " already asked for a reservation with other lines.");
    problem.setProperty("orderId", orderId);
    return new ErrorResponseException(HttpStatus.UNPROCESSABLE_CONTENT, problem, null);
  }

  static ErrorResponseException notFound(UUID orderId) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.NOT_FOUND,
            "reservation-not-found",
            "Reservation not found",
            "There is no reservation for order " + orderId + ".");
    problem.setProperty("orderId", orderId);
    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
  }
}
