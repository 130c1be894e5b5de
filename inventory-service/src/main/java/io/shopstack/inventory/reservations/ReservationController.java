package io.shopstack.inventory.reservations;

import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reservations are order-service's business with inventory-service: outside {@code /api}, so the
 * gateway does not route them, and the network policies let only order-service's pods call them.
 */
@RestController
@RequestMapping("/internal/inventory/reservations")
class ReservationController {

  private final Reservations reservations;

  @Autowired // see docs/observability.md, "Controllers and the agent"
  ReservationController(Reservations reservations) {
    this.reservations = reservations;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Reservation> reserve(@Valid @RequestBody ReservationRequest request) {
    Reservation reservation = reservations.reserve(request.orderId(), request.lines());
    return ResponseEntity.created(
            URI.create("/internal/inventory/reservations/" + request.orderId()))
        .body(reservation);
  }

  @GetMapping("/{orderId}")
  Reservation get(@PathVariable UUID orderId) {
    return reservations.find(orderId).orElseThrow(() -> ReservationProblems.notFound(orderId));
  }

  @PostMapping("/{orderId}/release")
  Reservation release(@PathVariable UUID orderId) {
    return reservations.release(orderId);
  }
}
