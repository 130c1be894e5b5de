package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.shopstack.order.IntegrationTest;
import io.shopstack.order.InventoryStub.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.client.EntityExchangeResult;

/**
 * A client that retries a POST with the same Idempotency-Key gets the first answer again and never
 * a second order, even when 20 such requests race; reusing a key for another order is refused.
 */
class IdempotentPlacementIT extends IntegrationTest {

  @Autowired MeterRegistry meters;

  @Test
  void replaysTheFirstAnswerForTheSameKeyAndBody() {
    String key = newKey();
    double replayedBefore = placed("replayed");
    Order first =
        placeOrder(
                key,
                "{\"lines\":[{\"sku\":\"A-1\",\"quantity\":1},{\"sku\":\"B-2\",\"quantity\":2}]}")
            .expectStatus()
            .isCreated()
            .expectBody(Order.class)
            .returnResult()
            .getResponseBody();

    // The same order written differently: other line order, other layout.
    Order again =
        placeOrder(
                key,
                "{ \"lines\": [ {\"quantity\": 2, \"sku\": \"B-2\"}, {\"sku\": \"A-1\", \"quantity\": 1} ] }")
            .expectStatus()
            .isCreated()
            .expectHeader()
            .valueEquals("Location", "/api/orders/" + first.id())
            .expectBody(Order.class)
            .returnResult()
            .getResponseBody();

    assertThat(again).isEqualTo(first);
    assertThat(ordersWithKey(key)).isEqualTo(1);
    assertThat(inventory.reservations()).hasSize(1);
    assertThat(placed("replayed")).isEqualTo(replayedBefore + 1);
  }

  @Test
  void refusesAKeyReusedForAnotherOrder() {
    String key = newKey();
    placeOrder(key, lines("A-1", 1)).expectStatus().isCreated();

    placeOrder(key, lines("A-1", 2))
        .expectStatus()
        .isEqualTo(422)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://shop.example/problems/idempotency-key-reused");

    assertThat(ordersWithKey(key)).isEqualTo(1);
  }

  @Test
  void replaysARejectionWithItsShortLines() {
    String key = newKey();
    inventory.answerReservations(Answer.insufficientStock("A-1", 7, 3));
    String first =
        new String(
            placeOrder(key, lines("A-1", 7))
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .returnResult()
                .getResponseBodyContent());

    placeOrder(key, lines("A-1", 7))
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://shop.example/problems/insufficient-stock")
        .jsonPath("$.orderId")
        .value(orderId -> assertThat(first).contains(orderId.toString()))
        .jsonPath("$.lines[0].sku")
        .isEqualTo("A-1")
        .jsonPath("$.lines[0].requested")
        .isEqualTo(7)
        .jsonPath("$.lines[0].available")
        .isEqualTo(3);
    assertThat(inventory.reservations()).hasSize(1);
  }

  /** The documented choice: the status code of the first answer, the body of the order now. */
  @Test
  void replaysA202WithTheOrderAsItIsNow() {
    String key = newKey();
    inventory.stop();
    Order pending =
        placeOrder(key, lines("A-1", 1))
            .expectStatus()
            .isAccepted()
            .expectBody(Order.class)
            .returnResult()
            .getResponseBody();
    inventory.start();
    batch.post().uri("/internal/orders/{id}/settle", pending.id()).exchange().expectStatus().isOk();

    placeOrder(key, lines("A-1", 1))
        .expectStatus()
        .isAccepted()
        .expectHeader()
        .valueEquals("Location", "/api/orders/" + pending.id())
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CONFIRMED");
  }

  @Test
  void createsOneOrderFromConcurrentRequestsWithOneKey() throws Exception {
    String key = newKey();
    int requests = 20;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<EntityExchangeResult<Order>>> answers = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < requests; i++) {
        answers.add(
            clients.submit(
                () -> {
                  start.await();
                  return placeOrder(key, lines("A-1", 1)).returnResult(Order.class);
                }));
      }
      start.countDown();
    }

    List<UUID> ids = new ArrayList<>();
    for (Future<EntityExchangeResult<Order>> answer : answers) {
      EntityExchangeResult<Order> result = answer.get();
      // 201 for the first request and those after it; 202 for those that came while it ran.
      assertThat(result.getStatus().value()).isIn(201, 202);
      ids.add(result.getResponseBody().id());
    }
    assertThat(ids).hasSize(requests).containsOnly(ids.getFirst());
    assertThat(ordersWithKey(key)).isEqualTo(1);
    assertThat(inventory.reservations()).hasSize(1);
  }

  private int ordersWithKey(String key) {
    return jdbc.sql("select count(*) from orders where idempotency_key = :key")
        .param("key", key)
        .query(Integer.class)
        .single();
  }

  private double placed(String outcome) {
    return meters.counter("shop.orders.placed", "outcome", outcome).count();
  }
}
