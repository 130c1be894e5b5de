package io.shopstack.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.testsupport.TestIssuer;
import io.shopstack.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service on a real Tomcat and a real PostgreSQL, as a client and Kubernetes see it: the
 * migrations seed the demo catalogue, readiness includes the database, the reservation counter is
 * exported for Prometheus, and responses carry the request id.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "management.endpoint.health.group.readiness.show-components=always"
    })
class InventoryApplicationIT {

  static final HttpClient http = HttpClient.newHttpClient();
  static final TestIssuer issuer = TestIssuer.start();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
    issuer.register(registry);
  }

  @LocalServerPort int port;

  @AfterAll
  static void closeClient() {
    http.close();
    issuer.close();
  }

  @Test
  void servesTheDemoCatalogue() throws Exception {
    HttpResponse<String> response = get("/api/inventory/items");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(response.body())
        .contains("{\"sku\":\"SKU-RED-MUG\",\"name\":\"Red Ceramic Mug 350 ml\",\"available\":100}")
        .contains("SKU-FRENCH-PRESS", "SKU-CHEF-KNIFE", "SKU-CAST-IRON-PAN", "SKU-PEPPER-MILL");
  }

  @Test
  void readinessIncludesTheDatabase() throws Exception {
    HttpResponse<String> response = get("/actuator/health/readiness");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"UP\"", "\"db\"", "\"readinessState\"");
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
  }

  @Test
  void exportsTheReservationCounter() throws Exception {
    String body =
        """
        {"orderId": "%s", "lines": [{"sku": "SKU-PEPPER-MILL", "quantity": 1}]}"""
            .formatted(UUID.randomUUID());
    HttpResponse<String> reserved =
        http.send(
            HttpRequest.newBuilder(uri("/internal/inventory/reservations"))
                .header("Content-Type", "application/json")
                .header(
                    "Authorization",
                    "Bearer "
                        + issuer.service("order-service", "inventory:reserve", "inventory-service"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(reserved.statusCode()).isEqualTo(201);

    assertThat(get("/actuator/prometheus").body())
        .contains("shop_inventory_reservations_total{")
        .containsPattern("shop_inventory_reservations_total\\{[^}]*outcome=\"reserved\"[^}]*} 1");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
