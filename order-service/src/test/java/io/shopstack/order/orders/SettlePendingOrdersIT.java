package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.order.FakeInventory.Answer;
import io.shopstack.order.IntegrationTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The internal API the batch job uses: it lists PENDING orders oldest first, reconciles them once
 * inventory answers again (confirmed or rejected), and expires them, releasing their stock. A
 * reconcile that loses the race against a cancel gives back what it reserved.
 */
class SettlePendingOrdersIT extends IntegrationTest {

  @Test
  void listsPendingOrdersOldestFirst() {
    inventory.stop();
    UUID older = place(lines("A-1", 1), 202);
    UUID newer = place(lines("A-1", 2), 202);

    List<UUID> due =
        pending("PT0S").stream()
            .map(Order::id)
            .filter(id -> id.equals(older) || id.equals(newer))
            .toList();
    assertThat(due).containsExactly(older, newer);
    assertThat(pending("PT1H")).extracting(Order::id).doesNotContain(older, newer);
  }

  @Test
  void confirmsAPendingOrderOnceInventoryIsBack() {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);
    assertThat(reconcile(id).status()).as("inventory still down").isEqualTo(OrderStatus.PENDING);
    inventory.restart();

    Order order = reconcile(id);

    assertThat(order.status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(order.lines()).containsExactly(new OrderLine("A-1", 1));
    assertThat(inventory.reservations()).singleElement().asString().contains(id.toString());
    assertThat(pending("PT0S")).extracting(Order::id).doesNotContain(id);
  }

  @Test
  void leavesASettledOrderAlone() {
    UUID id = place(lines("A-1", 1), 201);

    assertThat(reconcile(id).status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(
            expire(id).expectStatus().isOk().returnResult(Order.class).getResponseBody().status())
        .isEqualTo(OrderStatus.CONFIRMED);
    assertThat(inventory.reservations()).as("only the POST's").hasSize(1);
    assertThat(inventory.releases()).isEmpty();
  }

  @Test
  void rejectsAPendingOrderInventoryCannotServe() {
    inventory.stop();
    UUID id = place(lines("A-1", 4), 202);
    inventory.restart();
    inventory.answerReservations(Answer.insufficientStock("A-1", 4, 1));

    assertThat(reconcile(id).status()).isEqualTo(OrderStatus.REJECTED);
  }

  @Test
  void releasesWhatItReservedForAnOrderCancelledMeanwhile() {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);
    inventory.restart();
    inventory.beforeNextReservationAnswer(
        () ->
            jdbc.sql("update orders set status = 'CANCELLED' where id = :id")
                .param("id", id)
                .update());

    assertThat(reconcile(id).status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(inventory.releases()).containsExactly(CancelOrderIT.releasePath(id));
  }

  @Test
  void expiresAPendingOrderAndReleasesItsStock() {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);
    inventory.restart();

    expire(id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("EXPIRED");

    assertThat(inventory.releases()).containsExactly(CancelOrderIT.releasePath(id));
  }

  @Test
  void keepsAnOrderPendingWhenItsStockCannotBeReleased() {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);

    expire(id)
        .expectStatus()
        .isEqualTo(503)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://shop.example/problems/inventory-unavailable");

    assertThat(pending("PT0S")).extracting(Order::id).contains(id);
  }

  @Test
  void answers404ForAnUnknownOrder() {
    http.post()
        .uri("/internal/orders/{id}/reconcile", UUID.randomUUID())
        .exchange()
        .expectStatus()
        .isNotFound();
    expire(UUID.randomUUID()).expectStatus().isNotFound();
  }

  private List<Order> pending(String olderThan) {
    return http.get()
        .uri("/internal/orders/pending?olderThan={olderThan}&limit=1000", olderThan)
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(new ParameterizedTypeReference<List<Order>>() {})
        .getResponseBody();
  }

  private Order reconcile(UUID id) {
    return http.post()
        .uri("/internal/orders/{id}/reconcile", id)
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(Order.class)
        .getResponseBody();
  }

  private RestTestClient.ResponseSpec expire(UUID id) {
    return http.post().uri("/internal/orders/{id}/expire", id).exchange();
  }
}
