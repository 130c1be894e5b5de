package io.shopstack.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the shop's API, answering status, headers and parsed JSON. */
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

  /** A customer's client of the gateway at {@code baseUrl}, without stock administration. */
  ShopClient(String baseUrl) {
    this(baseUrl, null);
  }

  /**
   * @param inventoryUrl an inventory-service instance, for what only operators and order-service
   *     may do (its {@code /internal/} API, which the gateway does not route)
   */
  ShopClient(String baseUrl, String inventoryUrl) {
    this.baseUrl = baseUrl;
    this.inventoryUrl = inventoryUrl;
  }

  /** The same client, talking to inventory-service's internal API. */
  ShopClient inventory() {
    if (inventoryUrl == null) {
      throw new IllegalStateException("This client has no inventory-service URL");
    }
    return new ShopClient(inventoryUrl);
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
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
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
