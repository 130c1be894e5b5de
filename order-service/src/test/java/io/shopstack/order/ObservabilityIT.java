package io.shopstack.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.order.InventoryStub.Answer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What operators watch: the readiness probe includes the database, and Prometheus (like SkyWalking,
 * through the same meters) gets the placed-orders counter by outcome, the timer around inventory
 * reservations with its histogram buckets, and the orders PENDING now.
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

    assertThat(prometheus())
        .containsPattern("shop_orders_placed_total\\{.*outcome=\"confirmed\".*} [1-9]")
        .containsPattern("shop_orders_reservation_seconds_count\\{.*outcome=\"reserved\".*} [1-9]")
        // The buckets OAP computes the reservation percentiles from (management.metrics.
        // distribution.slo): 5 ms to 5 s.
        .containsPattern("shop_orders_reservation_seconds_bucket\\{.*le=\"0\\.005\".*} ")
        .containsPattern("shop_orders_reservation_seconds_bucket\\{.*le=\"5\\.0\".*} [1-9]");
  }

  @Test
  void countsThePendingOrdersOfTheDatabase() {
    inventory.answerReservations(Answer.status(503), Answer.status(503), Answer.status(503));
    place(lines("A-1", 1), 202);

    long pending =
        jdbc.sql("select count(*) from orders where status = 'PENDING'").query(Long.class).single();
    assertThat(pending).isPositive();
    assertThat(gauge("shop_orders_pending")).isEqualTo(pending);
  }

  private double gauge(String name) {
    String metrics = prometheus();
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.E+-]+)$").matcher(metrics);
    assertThat(m.find()).as(metrics).isTrue();
    return Double.parseDouble(m.group(2));
  }

  private String prometheus() {
    return http.get()
        .uri("/actuator/prometheus")
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(String.class)
        .getResponseBody();
  }
}
