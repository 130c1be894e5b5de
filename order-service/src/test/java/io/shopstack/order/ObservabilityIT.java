package io.shopstack.order;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What operators watch: the readiness probe includes the database, and Prometheus gets the
 * placed-orders counter by outcome and the timer around inventory reservations.
 */
class ObservabilityIT extends IntegrationTest {

  @Test
  void isReadyWithItsDatabase() {
    http.get()
        .uri("/actuator/health/readiness")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("UP");
  }

  @Test
  void exposesOrderMetrics() {
    place(lines("A-1", 1), 201);

    String metrics =
        http.get()
            .uri("/actuator/prometheus")
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(String.class)
            .getResponseBody();

    assertThat(metrics)
        .containsPattern("shop_orders_placed_total\\{.*outcome=\"confirmed\".*} [1-9]")
        .containsPattern("shop_orders_reservation_seconds_count\\{.*outcome=\"reserved\".*} [1-9]");
  }
}
