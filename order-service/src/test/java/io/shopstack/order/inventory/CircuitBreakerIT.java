package io.shopstack.order.inventory;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.shopstack.order.IntegrationTest;
import io.shopstack.order.InventoryStub.Answer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * While inventory keeps failing, the {@code inventory} circuit breaker opens after a handful of
 * calls: from then on orders are accepted as PENDING at once and cancels are recorded (202) at
 * once, without inventory seeing a single request.
 */
class CircuitBreakerIT extends IntegrationTest {

  @Test
  void stopsCallingAFailingInventory() {
    inventory.answerReservations(Answer.status(500));
    for (int i = 0; i < 5; i++) {
      place(lines("A-1", 1), 202);
    }
    assertThat(inventory.reservations()).hasSize(5);
    assertThat(breakers.circuitBreaker("inventory").getState())
        .isEqualTo(CircuitBreaker.State.OPEN);

    long started = System.nanoTime();
    UUID id = place(lines("A-1", 1), 202);
    // The open breaker refuses the release at once: the cancellation is recorded, not finished.
    http.post().uri("/api/orders/{id}/cancel", id).exchange().expectStatus().isAccepted();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    inventory.verify(5, anyRequestedFor(anyUrl()));
  }
}
