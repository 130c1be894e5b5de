package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopstack.order.IntegrationTest;
import io.shopstack.order.InventoryStub.Answer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;

/**
 * The internal API the batch job uses: it lists the orders due (PENDING ones oldest first, every
 * CANCELLING or EXPIRING one) in keyset pages, and settles each as is due by the database's clock:
 * reconciled once inventory answers again (confirmed or rejected), expired when old enough (intent
 * recorded, stock released), or a recorded cancel or expiry finished. A reconcile that loses the
 * race against a cancel gives back what it reserved.
 */
class SettlePendingOrdersIT extends IntegrationTest {

  @Test
  void listsDueOrdersOldestFirstInKeysetPages() {
    inventory.stop();
    UUID older = place(lines("A-1", 1), 202);
    UUID newer = place(lines("A-1", 2), 202);

    assertThat(due("PT0S", null)).extracting(Order::id).containsSubsequence(older, newer);
    assertThat(due("PT0S", older)).extracting(Order::id).contains(newer).doesNotContain(older);
    assertThat(due("PT1H", null)).extracting(Order::id).doesNotContain(older, newer);
  }

  @Test
  void listsCancellingAndExpiringOrdersWhateverTheirAge() {
    UUID id = place(lines("A-1", 1), 201);
    inventory.stop();
    http.post().uri("/api/orders/{id}/cancel", id).exchange().expectStatus().isAccepted();

    assertThat(due("PT1H", null)).extracting(Order::id).contains(id);
  }

  @Test
  void confirmsAPendingOrderOnceInventoryIsBack() {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);
    assertThat(settle(id, "PT1H").status())
        .as("inventory still down")
        .isEqualTo(OrderStatus.PENDING);
    inventory.start();

    Order order = settle(id, "PT1H");

    assertThat(order.status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(order.lines()).containsExactly(new OrderLine("A-1", 1));
    assertThat(inventory.reservations()).singleElement().asString().contains(id.toString());
    assertThat(due("PT0S", null)).extracting(Order::id).doesNotContain(id);
  }

  @Test
  void leavesASettledOrderAlone() {
    UUID id = place(lines("A-1", 1), 201);

    assertThat(settle(id, "PT1H").status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(settle(id, "PT0S").status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(inventory.reservations()).as("only the POST's").hasSize(1);
    assertThat(inventory.releases()).isEmpty();
  }

  @Test
  void rejectsAPendingOrderInventoryCannotServe() {
    inventory.stop();
    UUID id = place(lines("A-1", 4), 202);
    inventory.start();
    inventory.answerReservations(Answer.insufficientStock("A-1", 4, 1));

    assertThat(settle(id, "PT1H").status()).isEqualTo(OrderStatus.REJECTED);
  }

  @Test
  void releasesWhatItReservedForAnOrderCancelledMeanwhile() throws Exception {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);
    inventory.start();
    // Inventory takes its time to reserve (well within order-service's read timeout of 2 s, so a
    // slow machine does not turn the answer into a timeout): the order is cancelled once the
    // reservation has arrived and before it is answered, an update that takes milliseconds.
    inventory.answerReservations(Answer.reserved().withFixedDelay(500));

    CompletableFuture<Order> settled = CompletableFuture.supplyAsync(() -> settle(id, "PT1H"));
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> !inventory.reservations().isEmpty());
    jdbc.sql("update orders set status = 'CANCELLED' where id = :id").param("id", id).update();

    assertThat(settled.get(10, TimeUnit.SECONDS).status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(inventory.releases()).containsExactly(CancelOrderIT.releasePath(id));
  }

  @Test
  void expiresAPendingOrderOlderThanTheAgeByTheDatabasesClock() {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);
    inventory.start();
    jdbc.sql("update orders set created_at = now() - interval '2 hours' where id = :id")
        .param("id", id)
        .update();

    assertThat(settle(id, "PT1H").status()).isEqualTo(OrderStatus.EXPIRED);

    assertThat(inventory.releases()).containsExactly(CancelOrderIT.releasePath(id));
    assertThat(inventory.reservations())
        .as("no retry for an order that is due to expire")
        .isEmpty();
  }

  @Test
  void recordsTheExpiryWhenItsStockCannotBeReleasedAndTheNextRunFinishesIt() {
    inventory.stop();
    UUID id = place(lines("A-1", 1), 202);

    assertThat(settle(id, "PT0S").status()).isEqualTo(OrderStatus.EXPIRING);
    assertThat(due("PT1H", null)).extracting(Order::id).contains(id);

    inventory.start();
    assertThat(settle(id, "PT1H").status())
        .as("finished, whatever the age")
        .isEqualTo(OrderStatus.EXPIRED);
    assertThat(inventory.releases()).containsExactly(CancelOrderIT.releasePath(id));
  }

  @Test
  void answers404ForAnUnknownOrder() {
    batch
        .post()
        .uri("/internal/orders/{id}/settle", UUID.randomUUID())
        .exchange()
        .expectStatus()
        .isNotFound();
  }

  private List<Order> due(String reconcileAfter, UUID after) {
    return batch
        .get()
        .uri(
            "/internal/orders/due?reconcileAfter={age}&limit=1000"
                + (after == null ? "" : "&after=" + after),
            reconcileAfter)
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(new ParameterizedTypeReference<List<Order>>() {})
        .getResponseBody();
  }

  private Order settle(UUID id, String expireAfter) {
    return batch
        .post()
        .uri("/internal/orders/{id}/settle?expireAfter={age}", id, expireAfter)
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(Order.class)
        .getResponseBody();
  }
}
