package io.shopstack.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.shopstack.testsupport.TcpProxy;
import io.shopstack.testsupport.TestIssuer;
import io.shopstack.testsupport.TestPostgres;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * order-service reaches its PostgreSQL through a proxy that the test cuts: while the database is
 * unreachable, requests get a 503 problem within seconds and readiness goes DOWN (so Kubernetes
 * stops sending traffic); once the database is back the service recovers by itself, without a
 * restart.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "logging.level.root=ERROR"
    })
@AutoConfigureRestTestClient
class DatabaseOutageIT {

  private static final InventoryStub inventory = InventoryStub.started();
  private static final TestIssuer issuer =
      TestIssuer.start()
          .acceptClient("order-service", "secret", "inventory:reserve", "inventory-service");
  private static TcpProxy database;

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    TestPostgres.Database db = TestPostgres.newDatabase();
    URI url = URI.create(db.jdbcUrl().substring("jdbc:".length()));
    database = new TcpProxy(url.getHost(), url.getPort());
    registry.add(
        "spring.datasource.url",
        () -> "jdbc:postgresql://127.0.0.1:%d%s".formatted(database.port(), url.getPath()));
    registry.add("spring.datasource.username", db::username);
    registry.add("spring.datasource.password", db::password);
    issuer.register(registry);
    registry.add("shop.auth.client-secret", () -> "secret");
    registry.add(
        "spring.cloud.discovery.client.simple.instances.inventory-service[0].uri",
        () -> inventory.uri().toString());
  }

  @AfterAll
  static void stop() {
    database.close();
    inventory.stop();
    issuer.close();
  }

  @Autowired RestTestClient anonymous;
  private RestTestClient http;

  @BeforeEach
  void asAlice() {
    http =
        anonymous
            .mutate()
            .defaultHeader("Authorization", "Bearer " + issuer.customer("alice"))
            .build();
  }

  @Test
  void anUnreachableDatabaseGives503AndNotReadyThenRecoversByItself() {
    String id =
        JsonPath.read(
            placeOrder()
                .expectStatus()
                .isCreated()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody(),
            "$.id");
    assertThat(readiness()).isEqualTo(200);

    database.cut();
    try {
      long started = System.nanoTime();
      http.get()
          .uri("/api/orders/" + id)
          .exchange()
          .expectStatus()
          .isEqualTo(503)
          .expectHeader()
          .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
          .expectHeader()
          .valueEquals("Retry-After", "5");
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("answered within the pool's connection timeout, not held")
          .isLessThan(Duration.ofSeconds(10));
      placeOrder().expectStatus().isEqualTo(503);
      await().atMost(Duration.ofSeconds(20)).until(() -> readiness() == 503);
    } finally {
      database.restore();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> readiness() == 200);
    http.get().uri("/api/orders/" + id).exchange().expectStatus().isOk();
    placeOrder().expectStatus().isCreated();
  }

  private RestTestClient.ResponseSpec placeOrder() {
    return http.post()
        .uri("/api/orders")
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .contentType(MediaType.APPLICATION_JSON)
        .body("{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]}")
        .exchange();
  }

  private int readiness() {
    return http.get()
        .uri("/actuator/health/readiness")
        .exchange()
        .returnResult(String.class)
        .getStatus()
        .value();
  }
}
