package io.shopstack.order;

import com.jayway.jsonpath.JsonPath;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.shopstack.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The whole order-service on a random loopback port with a real PostgreSQL and a {@link
 * FakeInventory} found through the simple discovery client. Subclasses share one application
 * context, one database and one fake, so each test resets the fake and the circuit breaker and uses
 * its own idempotency keys.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "logging.level.root=WARN",
      // Tests stop and break inventory on purpose; its warnings would only be noise here.
      "logging.level.io.shopstack.order.inventory=ERROR",
      "logging.level.org.springframework.cloud.loadbalancer=ERROR"
    })
@AutoConfigureRestTestClient
public abstract class IntegrationTest {

  protected static final FakeInventory inventory = FakeInventory.start();

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
    registry.add(
        "spring.cloud.discovery.client.simple.instances.inventory-service[0].uri",
        () -> inventory.uri().toString());
  }

  @Autowired protected RestTestClient http;
  @Autowired protected JdbcClient jdbc;
  @Autowired protected CircuitBreakerRegistry breakers;

  @BeforeEach
  void resetInventory() {
    inventory.reset();
    breakers.circuitBreaker("inventory").reset();
  }

  protected RestTestClient.ResponseSpec placeOrder(String idempotencyKey, String body) {
    return http.post()
        .uri("/api/orders")
        .header("Idempotency-Key", idempotencyKey)
        .contentType(MediaType.APPLICATION_JSON)
        .body(body)
        .exchange();
  }

  /**
   * Places an order with a fresh key, expects the given status and answers the order's id (from the
   * order, or from the problem of a 409).
   */
  protected UUID place(String body, int expectedStatus) {
    byte[] answer =
        placeOrder(newKey(), body)
            .expectStatus()
            .isEqualTo(expectedStatus)
            .expectBody()
            .returnResult()
            .getResponseBodyContent();
    String id =
        JsonPath.read(
            new String(answer, StandardCharsets.UTF_8),
            expectedStatus == 409 ? "$.orderId" : "$.id");
    return UUID.fromString(id);
  }

  protected static String newKey() {
    return UUID.randomUUID().toString();
  }

  protected static String lines(String sku, int quantity) {
    return "{\"lines\":[{\"sku\":\"%s\",\"quantity\":%d}]}".formatted(sku, quantity);
  }
}
