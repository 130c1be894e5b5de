package io.shopstack.inventory.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.testsupport.RecordedInteraction;
import io.shopstack.testsupport.TestIssuer;
import io.shopstack.testsupport.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * inventory-service as the provider of the contract with order-service ({@code
 * contracts/order-service--inventory-service}): for every recorded interaction the named provider
 * state is set up through the service's own internal API, the recorded request goes to the real
 * service, and the answer must have the recorded status and contain the recorded body (extra fields
 * allowed). order-service's InventoryContractIT runs its real client against the same recordings.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")
class ReservationContractIT {

  static final Path CONTRACT =
      Path.of("..", "contracts", "order-service--inventory-service", "mappings");
  static final HttpClient http = HttpClient.newHttpClient();
  private static final JsonMapper json = JsonMapper.builder().build();

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

  /** Every provider state the recordings name, and how to bring it about. */
  private Map<String, Runnable> states() {
    return Map.of(
        "item SKU-CONTRACT-A has 5 in stock",
        () -> item("SKU-CONTRACT-A", 5),
        "item SKU-CONTRACT-B has 5 in stock",
        () -> item("SKU-CONTRACT-B", 5),
        "order 0a5e1a2b-0000-4000-8000-0000000000a1 was released; item SKU-CONTRACT-C has 5 in stock",
        () -> {
          item("SKU-CONTRACT-C", 5);
          send(
              "POST",
              "/internal/inventory/reservations/0a5e1a2b-0000-4000-8000-0000000000a1/release",
              null,
              200);
        },
        "order 0a5e1a2b-0000-4000-8000-0000000000b1 holds 2 of SKU-CONTRACT-D",
        () -> {
          item("SKU-CONTRACT-D", 5);
          send(
              "POST",
              "/internal/inventory/reservations",
              """
              {"orderId":"0a5e1a2b-0000-4000-8000-0000000000b1",
               "lines":[{"sku":"SKU-CONTRACT-D","quantity":2}]}""",
              201);
        });
  }

  static List<RecordedInteraction> interactions() {
    return RecordedInteraction.in(CONTRACT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("interactions")
  void theRealServiceAnswersAsRecorded(RecordedInteraction recorded) {
    Map<String, Runnable> states = states();
    assertThat(states)
        .as("a setup for the provider state \"%s\"", recorded.state())
        .containsKey(recorded.state());
    states.get(recorded.state()).run();

    HttpResponse<String> answer =
        send(recorded.method(), recorded.pathAndQuery(), recorded.body(), -1);

    recorded.assertAnswered(
        answer.statusCode(),
        answer.headers().firstValue("Content-Type").orElse(null),
        answer.body());
  }

  /** Creates the item if need be and adjusts its stock to {@code stock}. */
  private void item(String sku, int stock) {
    send("PUT", "/internal/inventory/items/" + sku, "{\"name\":\"Contract item\"}", -1);
    String item = send("GET", "/api/inventory/items/" + sku, null, 200).body();
    int available = json.readTree(item).get("available").asInt();
    if (available != stock) {
      send(
          "PUT",
          "/internal/inventory/items/" + sku + "/adjustments/" + UUID.randomUUID(),
          "{\"change\":" + (stock - available) + "}",
          201);
    }
  }

  private HttpResponse<String> send(String method, String path, String body, int expected) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    // Provider states are set up as an operator would (stock administration); the recorded
    // requests are order-service's, with its own token.
    request.header(
        "Authorization",
        "Bearer "
            + (path.startsWith("/internal/inventory/items")
                ? issuer.operator("oscar")
                : issuer.service("order-service", "inventory:reserve", "inventory-service")));
    try {
      HttpResponse<String> response =
          http.send(
              request
                  .method(
                      method,
                      body == null
                          ? HttpRequest.BodyPublishers.noBody()
                          : HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (expected > 0) {
        assertThat(response.statusCode())
            .as(method + " " + path + ": " + response.body())
            .isEqualTo(expected);
      }
      return response;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
