package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.order.IntegrationTest;
import io.shopstack.order.InventoryStub;
import io.shopstack.order.InventoryStub.Answer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Placing orders against a real database and a fake inventory: confirmed, rejected with the short
 * lines, or accepted as PENDING when inventory is down or too slow, with answers within the
 * client's time budget.
 */
class PlaceOrderIT extends IntegrationTest {

  @Test
  void confirmsAnOrderInventoryReserves() {
    Order order =
        placeOrder(
                newKey(),
                "{\"lines\":[{\"sku\":\"A-1\",\"quantity\":2},{\"sku\":\"B-2\",\"quantity\":1}]}")
            .expectStatus()
            .isCreated()
            .expectHeader()
            .value("Location", location -> assertThat(location).startsWith("/api/orders/"))
            .expectBody(Order.class)
            .returnResult()
            .getResponseBody();

    assertThat(order.status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(order.lines()).containsExactly(new OrderLine("A-1", 2), new OrderLine("B-2", 1));
    assertThat(inventory.reservations())
        .singleElement()
        .asString()
        .contains("\"orderId\":\"" + order.id() + "\"")
        .contains("{\"sku\":\"A-1\",\"quantity\":2}");
    http.get()
        .uri("/api/orders/{id}", order.id())
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CONFIRMED");
  }

  @Test
  void rejectsAnOrderInventoryCannotServe() {
    inventory.answerReservations(Answer.insufficientStock("A-1", 5, 2));

    placeOrder(newKey(), lines("A-1", 5))
        .expectStatus()
        .isEqualTo(409)
        .expectHeader()
        .contentType("application/problem+json")
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://shop.example/problems/insufficient-stock")
        .jsonPath("$.orderId")
        .isNotEmpty()
        .jsonPath("$.lines[0].sku")
        .isEqualTo("A-1")
        .jsonPath("$.lines[0].requested")
        .isEqualTo(5)
        .jsonPath("$.lines[0].available")
        .isEqualTo(2);
  }

  @Test
  void acceptsAnOrderAsPendingWhileInventoryIsDown() {
    inventory.stop();

    long started = System.nanoTime();
    Order order =
        placeOrder(newKey(), lines("A-1", 1))
            .expectStatus()
            .isAccepted()
            .expectHeader()
            .exists("Location")
            .expectBody(Order.class)
            .returnResult()
            .getResponseBody();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
    assertThat(statusInDatabase(order.id())).isEqualTo("PENDING");
  }

  @Test
  void givesUpOnASilentInventoryAfterTheReadTimeout() {
    inventory.answerReservations(Answer.reserved().withFixedDelay(InventoryStub.TOO_LATE_MS));

    long started = System.nanoTime();
    placeOrder(newKey(), lines("A-1", 1))
        .expectStatus()
        .isAccepted()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("PENDING");

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2))
        .isLessThan(Duration.ofSeconds(4));
    assertThat(inventory.reservations()).as("timeouts are not retried").hasSize(1);
  }

  @Test
  void retriesTransientFailuresOfInventory() {
    // Retries happen within a second; the first call of a cold JVM alone can take that long.
    placeOrder(newKey(), lines("A-1", 1)).expectStatus().isCreated();
    inventory.resetToDefault();
    inventory.answerReservations(Answer.status(503), Answer.status(502), Answer.reserved());

    placeOrder(newKey(), lines("A-1", 1))
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CONFIRMED");

    assertThat(inventory.reservations()).hasSize(3);
  }

  @Test
  void retriesAtMostTwice() {
    placeOrder(newKey(), lines("A-1", 1)).expectStatus().isCreated();
    inventory.resetToDefault();
    inventory.answerReservations(Answer.status(503));

    placeOrder(newKey(), lines("A-1", 1)).expectStatus().isAccepted();

    assertThat(inventory.reservations()).hasSize(3);
  }

  @Test
  void neverRetriesAnAnswerThatIsNotTransient() {
    inventory.answerReservations(Answer.status(500));

    placeOrder(newKey(), lines("A-1", 1)).expectStatus().isAccepted();

    assertThat(inventory.reservations()).hasSize(1);
  }

  private String statusInDatabase(UUID id) {
    return jdbc.sql("select status from orders where id = :id")
        .param("id", id)
        .query(String.class)
        .single();
  }
}
