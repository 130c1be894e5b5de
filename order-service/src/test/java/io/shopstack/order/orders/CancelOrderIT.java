package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.order.IntegrationTest;
import io.shopstack.order.InventoryStub;
import io.shopstack.order.InventoryStub.Answer;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * Cancelling records the intent (CANCELLING), has inventory give the stock back and only then marks
 * the order CANCELLED. If inventory cannot be reached, or its answer is lost after it released, the
 * order stays CANCELLING (202) and a repeat of the request finishes it: never a CONFIRMED order
 * without stock. Cancelling twice is harmless; rejected and expired orders cannot be cancelled.
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
    inventory.start();

    cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");

    assertThat(inventory.releases()).containsExactly(releasePath(id));
  }

  @Test
  void recordsTheCancellationWhenInventoryCannotReleaseAndARepeatFinishesIt() {
    UUID id = place(lines("A-1", 1), 201);
    inventory.stop();

    cancel(id)
        .expectStatus()
        .isAccepted()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CANCELLING");
    assertThat(status(id)).isEqualTo("CANCELLING");

    inventory.start();
    cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");
    assertThat(inventory.releases()).containsExactly(releasePath(id));
  }

  @Test
  void anAnswerLostAfterInventoryReleasedLeavesTheCancellationToFinish() {
    UUID id = place(lines("A-1", 1), 201);
    // Inventory releases, but its answer comes after order-service's read timeout has given up.
    inventory.answerReleases(Answer.released().withFixedDelay(InventoryStub.TOO_LATE_MS));

    cancel(id)
        .expectStatus()
        .isAccepted()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CANCELLING");

    inventory.answerReleases(Answer.released());
    cancel(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");
    assertThat(inventory.releases()).hasSize(2).containsOnly(releasePath(id));
  }

  @Test
  void aCancellingOrderCannotBeConfirmedOrExpired() {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);
    cancel(id).expectStatus().isAccepted();
    inventory.start();

    // What the batch job's settle does with it: finish the cancellation, never reserve again.
    batch
        .post()
        .uri("/internal/orders/{id}/settle?expireAfter=PT0S", id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CANCELLED");
    assertThat(inventory.reservations()).isEmpty();
  }

  private String status(UUID id) {
    return http.get()
        .uri("/api/orders/{id}", id)
        .exchange()
        .returnResult(Order.class)
        .getResponseBody()
        .status()
        .name();
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
    return "/internal/inventory/reservations/" + id + "/release";
  }
}
