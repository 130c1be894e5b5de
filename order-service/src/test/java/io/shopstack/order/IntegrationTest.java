package io.shopstack.order;

import com.jayway.jsonpath.JsonPath;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.shopstack.testsupport.TestIssuer;
import io.shopstack.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The whole order-service on a random loopback port with a real PostgreSQL and a {@link
 * InventoryStub} found through the simple discovery client, and a {@link TestIssuer} in place of
 * auth-server (its JWK set, and the token endpoint that gives order-service its own token for
 * inventory). Subclasses share one application context, one database and one fake, so each test
 * resets the fake and the circuit breaker and uses its own idempotency keys. {@link #http} is the
 * customer alice, {@link #batch} the batch job.
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

  protected static final InventoryStub inventory = InventoryStub.started();
  protected static final String CLIENT_SECRET = "test-order-service-secret";
  protected static final TestIssuer issuer =
      TestIssuer.start()
          .acceptClient("order-service", CLIENT_SECRET, "inventory:reserve", "inventory-service");

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
    issuer.register(registry);
    registry.add("shop.auth.client-secret", () -> CLIENT_SECRET);
    registry.add(
        "spring.cloud.discovery.client.simple.instances.inventory-service[0].uri",
        () -> inventory.uri().toString());
  }

  @Autowired private RestTestClient anonymous;
  @Autowired protected JdbcClient jdbc;
  @Autowired protected CircuitBreakerRegistry breakers;

  /** The customer alice (scope orders). */
  protected RestTestClient http;

  /** The batch job (its machine token: scope orders:settle, for order-service). */
  protected RestTestClient batch;

  @BeforeEach
  void clients() {
    http = as(issuer.customer("alice"));
    batch = as(issuer.service("batch-jobs", "orders:settle", "order-service"));
  }

  /** A client of order-service that sends this bearer token. */
  protected RestTestClient as(String token) {
    return anonymous.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token).build();
  }

  /** A client of order-service without a token. */
  protected RestTestClient anonymous() {
    return anonymous;
  }

  @BeforeEach
  void resetInventory() {
    inventory.resetToDefault();
    breakers.circuitBreaker("inventory").reset();
  }

  /** The next test class (same application context) starts it again on the same port. */
  @AfterAll
  static void stopInventory() {
    inventory.stop();
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
