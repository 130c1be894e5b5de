package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.order.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * Orders belong to the customer in the token: another customer's order does not exist for them (a
 * 404 like an unknown id, so ids tell nothing), nor does it appear in their list, and they cannot
 * cancel it; idempotency keys are each customer's own. An operator lists everyone's.
 */
class OwnershipIT extends IntegrationTest {

  @Test
  void anotherCustomersOrderIsNotFoundNotListedAndNotCancellable() {
    UUID alices = place(lines("A-1", 1), 201);
    RestTestClient bob = as(issuer.customer("bob-" + UUID.randomUUID()));

    bob.get()
        .uri("/api/orders/{id}", alices)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://shop.example/problems/order-not-found");
    bob.post().uri("/api/orders/{id}/cancel", alices).exchange().expectStatus().isNotFound();
    assertThat(list(bob).content()).isEmpty();

    http.get()
        .uri("/api/orders/{id}", alices)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CONFIRMED")
        .jsonPath("$.customer")
        .isEqualTo("alice");
    assertThat(inventory.releases()).isEmpty();
  }

  @Test
  void twoCustomersMayUseTheSameKeyForDifferentOrders() {
    String key = newKey();
    String alices =
        placeOrder(key, lines("A-1", 1))
            .expectStatus()
            .isCreated()
            .expectBody(Order.class)
            .returnResult()
            .getResponseBody()
            .id()
            .toString();
    RestTestClient bob = as(issuer.customer("bob-" + UUID.randomUUID()));

    Order bobs =
        bob.post()
            .uri("/api/orders")
            .header("Idempotency-Key", key)
            .contentType(MediaType.APPLICATION_JSON)
            .body(lines("B-2", 2))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Order.class)
            .returnResult()
            .getResponseBody();

    assertThat(bobs.id().toString()).isNotEqualTo(alices);
    assertThat(bobs.lines()).containsExactly(new OrderLine("B-2", 2));
  }

  @Test
  void anOperatorListsEveryonesOrders() {
    UUID alices = place(lines("A-1", 1), 201);
    String bobName = "bob-" + UUID.randomUUID();
    Order bobs =
        as(issuer.customer(bobName))
            .post()
            .uri("/api/orders")
            .header("Idempotency-Key", newKey())
            .contentType(MediaType.APPLICATION_JSON)
            .body(lines("B-2", 1))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Order.class)
            .returnResult()
            .getResponseBody();

    OrderPage all =
        as(issuer.operator("oscar"))
            .get()
            .uri("/api/admin/orders?size=2")
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(OrderPage.class)
            .getResponseBody();

    assertThat(all.content()).extracting(Order::id).containsExactly(bobs.id(), alices);
    assertThat(all.content()).extracting(Order::customer).containsExactly(bobName, "alice");
  }

  private static OrderPage list(RestTestClient client) {
    return client
        .get()
        .uri("/api/orders")
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(OrderPage.class)
        .getResponseBody();
  }
}
