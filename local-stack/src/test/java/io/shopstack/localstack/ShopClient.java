package io.shopstack.localstack;

import io.shopstack.testsupport.ShopLogin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP client for the shop's API, answering status, headers and parsed JSON. A client of
 * {@link #of} is a logged-in customer (authorization code with PKCE against the stack's real
 * auth-server, renewed before the token expires); its {@link #inventory()} is the operator oscar.
 */
final class ShopClient {

  record Answer(int status, HttpResponse<String> raw, JsonNode json) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String contentType() {
      return header("Content-Type");
    }
  }

  private static final JsonMapper json = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String baseUrl;
  private final String inventoryUrl;
  private final Supplier<String> token;
  private final Supplier<String> operatorToken;

  /** A client without a token (the actuator, or what anyone may do). */
  ShopClient(String baseUrl) {
    this(baseUrl, null, () -> null, () -> null);
  }

  /**
   * @param inventoryUrl an inventory-service instance, for what only operators and order-service
   *     may do (its {@code /internal/} API, which the gateway does not route)
   * @param token the bearer token of every request (null for none)
   * @param operatorToken the bearer token of {@link #inventory()}'s requests
   */
  private ShopClient(
      String baseUrl, String inventoryUrl, Supplier<String> token, Supplier<String> operatorToken) {
    this.baseUrl = baseUrl;
    this.inventoryUrl = inventoryUrl;
    this.token = token;
    this.operatorToken = operatorToken;
  }

  /**
   * The demo customer {@code user} on the stack's gateway, logged in through its auth-server; stock
   * administration (inventory-service instance B) as the demo operator oscar.
   */
  static ShopClient of(LocalStack stack, String user) {
    ShopLogin login = new ShopLogin(stack.authUrl());
    return new ShopClient(
        stack.gatewayUrl(),
        stack.url(LocalStack.INVENTORY_B),
        session(login, user),
        session(login, "oscar"));
  }

  /** A bearer token of the demo user, logged in again when it has less than 2 minutes left. */
  static Supplier<String> session(ShopLogin login, String user) {
    ShopLogin.AccessToken[] current = {null};
    return () -> {
      synchronized (current) {
        if (current[0] == null || !current[0].validFor(Duration.ofMinutes(2))) {
          current[0] = login.login(user, LocalStack.DEMO_PASSWORDS.get(user));
        }
        return current[0].value();
      }
    };
  }

  /** The same addresses with another bearer token (null for none). */
  ShopClient withToken(String bearer) {
    return new ShopClient(baseUrl, inventoryUrl, () -> bearer, operatorToken);
  }

  /** The same client, talking to inventory-service's internal API as the operator. */
  ShopClient inventory() {
    if (inventoryUrl == null) {
      throw new IllegalStateException("This client has no inventory-service URL");
    }
    return new ShopClient(inventoryUrl, null, operatorToken, operatorToken);
  }

  Answer placeOrder(String idempotencyKey, String body) {
    HttpRequest.Builder request =
        request("/api/orders")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return send(request.build());
  }

  Answer placeOrder(String sku, int quantity) {
    return placeOrder(UUID.randomUUID().toString(), orderBody(sku, quantity));
  }

  /** Creates an item of its own for a test, so that tests do not share stock. */
  String newItemWithStock(int available) {
    String sku = "SKU-TEST-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    Answer created =
        inventory()
            .send(
                "PUT",
                "/internal/inventory/items/" + sku,
                "application/json",
                "{\"name\":\"Test item\"}");
    if (created.status() != 201) {
      throw new IllegalStateException("Could not create " + sku + ": " + created.raw().body());
    }
    if (available > 0) {
      Answer adjusted = adjustStock(sku, UUID.randomUUID(), available);
      if (adjusted.status() != 201) {
        throw new IllegalStateException("Could not stock " + sku + ": " + adjusted.raw().body());
      }
    }
    return sku;
  }

  /** Changes the stock of an item by {@code change}, once per adjustment id. */
  Answer adjustStock(String sku, UUID adjustment, int change) {
    return inventory()
        .send(
            "PUT",
            "/internal/inventory/items/" + sku + "/adjustments/" + adjustment,
            "application/json",
            "{\"change\":%d}".formatted(change));
  }

  /** The reservation inventory-service holds for an order. */
  Answer reservation(String orderId) {
    return inventory().get("/internal/inventory/reservations/" + orderId);
  }

  int available(String sku) {
    return get("/api/inventory/items/" + sku).json().get("available").asInt();
  }

  static String orderBody(String sku, int quantity) {
    return """
        {"lines":[{"sku":"%s","quantity":%d}]}"""
        .formatted(sku, quantity);
  }

  Answer get(String path) {
    return send(request(path).GET().build());
  }

  Answer post(String path) {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  Answer send(String method, String path, String contentType, String body) {
    return send(method, path, contentType, body, null);
  }

  Answer send(String method, String path, String contentType, String body, String key) {
    HttpRequest.Builder request =
        request(path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return send(request.build());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    String bearer = token.get();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return request;
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = null;
      String type = response.headers().firstValue("Content-Type").orElse("");
      if (type.contains("json") && !response.body().isEmpty()) {
        body = json.readTree(response.body());
      }
      return new Answer(response.statusCode(), response, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
