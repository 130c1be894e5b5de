package io.shopstack.localstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Malformed and hostile requests for every public endpoint of the gateway and every internal
 * endpoint of inventory-service (paths under {@code /internal/}, which the test sends to an
 * inventory instance directly, as order-service and operators do), generated from a fixed seed so
 * that a failure can be replayed. None of them is a valid request: each must be refused with a 4xx
 * problem document and change nothing.
 */
final class BadInput {

  record Request(String method, String path, String contentType, String body, String key) {
    @Override
    public String toString() {
      String shown = body == null || body.length() < 120 ? body : body.substring(0, 120) + "...";
      return method
          + " "
          + (path.length() < 120 ? path : path.substring(0, 120) + "...")
          + " ["
          + contentType
          + "] key="
          + (key == null ? null : key.length())
          + " "
          + shown;
    }
  }

  private static final String JSON = "application/json";
  private static final String LONG = "X".repeat(5_000);

  /** Bodies that are not a valid order, whatever the rest of the request. */
  static final List<String> BAD_ORDER_BODIES =
      List.of(
          "",
          "{",
          "null",
          "[]",
          "\"lines\"",
          "{\"lines\":null}",
          "{\"lines\":[]}",
          "{\"lines\":{}}",
          "{\"lines\":[null]}",
          "{\"lines\":[{}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\"}]}",
          "{\"lines\":[{\"quantity\":1}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":0}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":-1}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":-2147483648}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":2147483648}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":99999999999999999999999}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1e308}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1.5}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":\"1\"}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":true}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1000000}]}",
          "{\"lines\":[{\"sku\":7,\"quantity\":1}]}",
          "{\"lines\":[{\"sku\":\"\",\"quantity\":1}]}",
          "{\"lines\":[{\"sku\":\"red mug\",\"quantity\":1}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG'; drop table orders;--\",\"quantity\":1}]}",
          "{\"lines\":[{\"sku\":\"<script>alert(1)</script>\",\"quantity\":1}]}",
          "{\"lines\":[{\"sku\":\"" + LONG + "\",\"quantity\":1}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1,\"price\":0}]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}],\"status\":\"CONFIRMED\"}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1},{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]}",
          "{\"lines\":[" + "{\"sku\":\"SKU-RED-MUG\",\"quantity\":1},".repeat(60) + "]}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]" + " ".repeat(70_000) + "}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]}}",
          "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]} trailing",
          "\u0000\u0001\u0002",
          "<order><sku>SKU-RED-MUG</sku></order>");

  /** Bodies that are not a valid stock or item update. */
  static final List<String> BAD_STOCK_BODIES =
      List.of(
          "",
          "{",
          "{}",
          "{\"change\":0}",
          "{\"change\":-2147483648}",
          "{\"change\":2147483648}",
          "{\"change\":1000000001}",
          "{\"change\":1.5}",
          "{\"change\":\"10\"}",
          "{\"change\":null}",
          "{\"change\":10,\"sku\":\"OTHER\"}",
          "{\"available\":10}",
          "[10]",
          "{\"name\":\"" + LONG + "\",\"change\":1}",
          "{\"name\":7,\"change\":\"x\"}");

  /** Reservation bodies that are invalid. */
  static final List<String> BAD_RESERVATION_BODIES =
      List.of(
          "",
          "{}",
          "{\"orderId\":\"not-a-uuid\",\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]}",
          "{\"orderId\":null,\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]}",
          "{\"orderId\":\"6c1f5e4e-0000-4000-8000-000000000001\",\"lines\":[]}",
          "{\"orderId\":\"6c1f5e4e-0000-4000-8000-000000000001\",\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":0}]}",
          "{\"orderId\":\"6c1f5e4e-0000-4000-8000-000000000001\",\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":-5}]}",
          "{\"orderId\":\"6c1f5e4e-0000-4000-8000-000000000001\",\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}],\"force\":true}");

  static final List<String> BAD_IDS =
      List.of(
          "not-a-uuid",
          "123",
          "%20",
          "'%20or%201=1",
          "00000000-0000-0000-0000-00000000000g",
          LONG,
          "%00",
          "..%2F..%2Finternal");

  static final List<String> BAD_SKUS =
      List.of("red%20mug", "%3Cscript%3E", "sku_lower", LONG, "%00", "A%2FB", "-LEADING-DASH");

  static final List<String> BAD_CONTENT_TYPES =
      List.of(
          "text/plain",
          "application/xml",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/json-patch+json");

  static final List<String> BAD_KEYS = List.of("", " ", "\t", "k".repeat(101), "a b\tc");

  static List<Request> generate(int count, long seed) {
    Random random = new Random(seed);
    List<Request> requests = new ArrayList<>();
    while (requests.size() < count) {
      requests.add(
          switch (random.nextInt(14)) {
            case 0 ->
                new Request(
                    "POST", "/api/orders", JSON, pick(random, BAD_ORDER_BODIES), key(random));
            case 1 ->
                new Request(
                    "POST",
                    "/api/orders",
                    JSON,
                    "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]}",
                    pick(random, BAD_KEYS));
            case 2 ->
                new Request(
                    "POST",
                    "/api/orders",
                    JSON,
                    "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]}",
                    null);
            case 3 ->
                new Request(
                    "POST",
                    "/api/orders",
                    pick(random, BAD_CONTENT_TYPES),
                    "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]}",
                    key(random));
            case 4 ->
                new Request(
                    pick(random, List.of("DELETE", "PATCH", "PUT")),
                    "/api/orders",
                    JSON,
                    "{}",
                    key(random));
            case 5 -> new Request("GET", "/api/orders/" + pick(random, BAD_IDS), null, null, null);
            case 6 ->
                new Request(
                    "GET",
                    "/api/orders?"
                        + pick(
                            random,
                            List.of(
                                "status=SHIPPED",
                                "page=-1",
                                "size=0",
                                "size=100000",
                                "page=abc",
                                "status=pending",
                                "size=1e3",
                                "page=99999999999999999999")),
                    null,
                    null,
                    null);
            case 7 ->
                new Request(
                    "POST", "/api/orders/" + pick(random, BAD_IDS) + "/cancel", null, null, null);
            case 8 ->
                new Request(
                    "GET", "/api/inventory/items/" + pick(random, BAD_SKUS), null, null, null);
            case 9 ->
                new Request(
                    "PUT",
                    "/internal/inventory/items/SKU-RED-MUG/adjustments/"
                        + new UUID(random.nextLong(), random.nextLong()),
                    random.nextInt(4) == 0 ? pick(random, BAD_CONTENT_TYPES) : JSON,
                    pick(random, BAD_STOCK_BODIES),
                    null);
            case 10 ->
                new Request(
                    "PUT",
                    "/internal/inventory/items/" + pick(random, BAD_SKUS),
                    JSON,
                    "{\"name\":\"x\"}",
                    null);
            case 11 ->
                new Request(
                    "POST",
                    "/internal/inventory/reservations",
                    random.nextInt(4) == 0 ? pick(random, BAD_CONTENT_TYPES) : JSON,
                    pick(random, BAD_RESERVATION_BODIES),
                    null);
            case 12 ->
                new Request(
                    pick(random, List.of("GET", "POST")),
                    "/internal/inventory/reservations/"
                        + pick(random, BAD_IDS)
                        + (random.nextBoolean() ? "/release" : ""),
                    null,
                    null,
                    null);
            default ->
                new Request(
                    pick(random, List.of("DELETE", "PATCH")),
                    pick(
                        random,
                        List.of(
                            "/api/inventory/items",
                            "/api/inventory/items/SKU-RED-MUG",
                            "/internal/inventory/items/SKU-RED-MUG",
                            "/internal/inventory/reservations")),
                    JSON,
                    "{}",
                    null);
          });
    }
    return requests;
  }

  private static String key(Random random) {
    return "bad-input-" + random.nextLong();
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private BadInput() {}
}
