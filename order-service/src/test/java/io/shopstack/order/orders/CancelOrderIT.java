package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.order.FakeInventory.Answer;
import io.shopstack.order.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * Cancelling gives the stock back first and only then marks the order CANCELLED: if inventory
 * cannot be reached the order stays as it was. Cancelling twice is harmless; rejected and expired
 * orders cannot be cancelled.
 */
class CancelOrderIT extends IntegrationTest {

  @Test
  void releasesTheReservationOfAConfirmedOrder() {
    UUID id = place(lines("A-1", 1), 201);

    cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");

    assertThat(inventory.releases()).containsExactly(releasePath(id));
  }

  @Test
  void answersACancelledOrderAgainWithoutAnotherRelease() {
    UUID id = place(lines("A-1", 1), 201);
    cancel(id).expectStatus().isOk();

    cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");

    assertThat(inventory.releases()).hasSize(1);
  }

  @Test
  void cancelsAPendingOrder() {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);
    inventory.restart();

    cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");

    assertThat(inventory.releases()).containsExactly(releasePath(id));
  }

  @Test
  void leavesTheOrderUnchangedWhenInventoryCannotRelease() {
    UUID id = place(lines("A-1", 1), 201);
    inventory.stop();

    cancel(id)
        .expectStatus()
        .isEqualTo(503)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://shop.example/problems/inventory-unavailable");

    http.get()
        .uri("/api/orders/{id}", id)
        .exchange()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CONFIRMED");
  }

  @Test
  void refusesToCancelARejectedOrder() {
    inventory.answerReservations(Answer.insufficientStock("A-1", 9, 0));
    UUID id = place(lines("A-1", 9), 409);

    cancel(id)
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://shop.example/problems/order-not-cancellable")
        .jsonPath("$.status")
        .isEqualTo(409)
        .jsonPath("$.orderStatus")
        .isEqualTo("REJECTED");

    assertThat(inventory.releases()).isEmpty();
  }

  @Test
  void answers404ForAnUnknownOrder() {
    cancel(UUID.randomUUID()).expectStatus().isNotFound();
  }

  private RestTestClient.ResponseSpec cancel(UUID id) {
    return http.post().uri("/api/orders/{id}/cancel", id).exchange();
  }

  static String releasePath(UUID id) {
    return "/api/inventory/reservations/" + id + "/release";
  }
}
