package io.shopstack.inventory.reservations;

import static org.springframework.http.HttpStatus.CONFLICT;
import static org.springframework.http.HttpStatus.NOT_FOUND;
import static org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT;

import io.shopstack.defaults.web.Problems;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.ErrorResponseException;

/** The problem documents of the reservation API; service-defaults renders them. */
final class ReservationProblems {

  private ReservationProblems() {}

  static ErrorResponseException insufficientStock(UUID orderId, List<ShortLine> lines) {
    return Problems.error(
        CONFLICT,
        "insufficient-stock",
        "Insufficient stock",
        "Not every line can be served, so nothing was reserved for order " + orderId + ".",
        Map.of("orderId", orderId, "lines", lines));
  }

  static ErrorResponseException released(UUID orderId) {
    return Problems.error(
        CONFLICT,
        "reservation-released",
        "Reservation released",
        "Order " + orderId + " was released, so it can no longer reserve stock.",
        Map.of("orderId", orderId));
  }

  static ErrorResponseException mismatch(UUID orderId) {
    return Problems.error(
        UNPROCESSABLE_CONTENT,
        "reservation-mismatch",
        "Order id already used",
        "Order " + orderId + " already asked for a reservation with other lines.",
        Map.of("orderId", orderId));
  }

  static ErrorResponseException notFound(UUID orderId) {
    return Problems.error(
        NOT_FOUND,
        "reservation-not-found",
        "Reservation not found",
        "There is no reservation for order " + orderId + ".",
        Map.of("orderId", orderId));
  }
}
