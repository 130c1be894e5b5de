package io.shopstack.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopstack.localstack.ShopClient.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real services run as separate JVMs on loopback, exactly as the README's local-run command
 * starts them: embedded PostgreSQL, two inventory-service instances behind simple discovery,
 * order-service and the gateway. Orders placed through the gateway are confirmed, rejected, or left
 * pending while inventory is down and then settled by a run of the batch job.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackIT {

  private static LocalStack stack;
  private static ShopClient shop;

  @BeforeAll
  static void startStack() throws Exception {
    Path projectDir = Path.of("..").toAbsolutePath().normalize();
    stack =
        LocalStack.start(
            projectDir,
            Path.of("target", "stack-it"),
            Ports.free(),
            null,
            Map.of("shop.batch.reconcile-after", "0s"));
    shop = ShopClient.of(stack, "alice");
  }

  /** Whatever the scenario did, orders and stock still agree (see Invariants). */
  @AfterEach
  void invariantsHold() {
    Invariants.check(stack);
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void anOrderWithStockIsConfirmedAndTakesTheStock() {
    String sku = shop.newItemWithStock(10);

    Answer placed = shop.placeOrder(sku, 3);

    assertThat(placed.status()).isEqualTo(201);
    assertThat(placed.json().get("status").asString()).isEqualTo("CONFIRMED");
    String id = placed.json().get("id").asString();
    assertThat(placed.header("Location")).endsWith("/api/orders/" + id);
    assertThat(placed.header("X-Request-Id")).isNotBlank();
    assertThat(shop.get("/api/orders/" + id).json().get("status").asString())
        .isEqualTo("CONFIRMED");
    assertThat(shop.available(sku)).isEqualTo(7);
  }

  @Test
  @Order(2)
  void anOrderBeyondTheStockIsRejectedNamingTheLine() {
    String sku = shop.newItemWithStock(2);

    Answer placed = shop.placeOrder(sku, 5);

    assertThat(placed.status()).isEqualTo(409);
    assertThat(placed.contentType()).startsWith("application/problem+json");
    assertThat(placed.json().get("lines").get(0).get("sku").asString()).isEqualTo(sku);
    assertThat(placed.json().get("lines").get(0).get("available").asInt()).isEqualTo(2);
    String id = placed.json().get("orderId").asString();
    assertThat(shop.get("/api/orders/" + id).json().get("status").asString()).isEqualTo("REJECTED");
    assertThat(shop.available(sku)).isEqualTo(2);
  }

  @Test
  @Order(3)
  void repeatingARequestWithItsIdempotencyKeyPlacesNoSecondOrder() {
    String sku = shop.newItemWithStock(10);
    String key = UUID.randomUUID().toString();
    String body = ShopClient.orderBody(sku, 4);

    Answer first = shop.placeOrder(key, body);
    Answer again = shop.placeOrder(key, body);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    assertThat(shop.available(sku)).isEqualTo(6);
    assertThat(shop.placeOrder(key, ShopClient.orderBody(sku, 5)).status())
        .as("the same key with another body")
        .isEqualTo(422);
  }

  @Test
  @Order(4)
  void cancellingAnOrderGivesTheStockBack() {
    String sku = shop.newItemWithStock(5);
    String id = shop.placeOrder(sku, 5).json().get("id").asString();
    assertThat(shop.available(sku)).isZero();

    Answer cancelled = shop.post("/api/orders/" + id + "/cancel");

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
    assertThat(shop.available(sku)).isEqualTo(5);
    assertThat(shop.post("/api/orders/" + id + "/cancel").status()).as("idempotent").isEqualTo(200);
  }

  @Test
  @Order(5)
  void requestsAreSpreadOverBothInventoryInstances() {
    for (int i = 0; i < 20; i++) {
      assertThat(shop.get("/api/inventory/items").status()).isEqualTo(200);
    }
    assertThat(itemListRequests(LocalStack.INVENTORY_A))
        .as(() -> metrics(LocalStack.INVENTORY_A))
        .isPositive();
    assertThat(itemListRequests(LocalStack.INVENTORY_B))
        .as(() -> metrics(LocalStack.INVENTORY_B))
        .isPositive();
  }

  @Test
  @Order(6)
  void badInputIsAProblemDocumentNeverAServerError() {
    List<Answer> answers =
        List.of(
            shop.placeOrder(UUID.randomUUID().toString(), "{\"lines\":[{\"sku\":"),
            shop.placeOrder(UUID.randomUUID().toString(), "{\"lines\":[]}"),
            shop.placeOrder(UUID.randomUUID().toString(), ShopClient.orderBody("SKU-RED-MUG", 0)),
            shop.placeOrder(UUID.randomUUID().toString(), ShopClient.orderBody("SKU-RED-MUG", -2)),
            shop.placeOrder(null, ShopClient.orderBody("SKU-RED-MUG", 1)),
            shop.placeOrder(
                UUID.randomUUID().toString(),
                "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}],\"discount\":100}"),
            shop.placeOrder(
                UUID.randomUUID().toString(),
                "{\"lines\":[{\"sku\":\"" + "A".repeat(100_000) + "\",\"quantity\":1}]}"),
            shop.send("POST", "/api/orders", "text/plain", "one mug please"),
            shop.send(
                "PUT",
                "/api/inventory/items/SKU-RED-MUG/stock",
                "application/json",
                "{\"available\":-1}"),
            shop.get("/api/orders/not-a-uuid"),
            shop.get("/api/inventory/items/NO-SUCH-SKU"));
    for (Answer answer : answers) {
      assertThat(answer.status())
          .as(answer.raw().uri() + " " + answer.raw().body())
          .isBetween(400, 499);
      assertThat(answer.contentType()).startsWith("application/problem+json");
    }
  }

  @Test
  @Order(7)
  void aClientWithoutCredentialsCannotTouchReservationsOrStockThroughTheGateway() {
    String sku = shop.newItemWithStock(4);
    Answer placed = shop.placeOrder(sku, 3);
    assertThat(placed.status()).isEqualTo(201);
    String orderId = placed.json().get("id").asString();
    String itemsBefore = shop.get("/api/inventory/items").raw().body();
    String reservation =
        """
        {"orderId":"%s","lines":[{"sku":"%s","quantity":1}]}"""
            .formatted(UUID.randomUUID(), sku);

    // What a hostile client tried when reservations and stock were on the public route.
    List<Answer> answers =
        List.of(
            shop.post("/api/inventory/reservations/" + orderId + "/release"),
            shop.send("POST", "/api/inventory/reservations", "application/json", reservation),
            shop.send(
                "PUT",
                "/api/inventory/items/" + sku + "/stock",
                "application/json",
                "{\"available\":1000}"),
            shop.send(
                "PUT",
                "/api/inventory/items/" + sku,
                "application/json",
                "{\"name\":\"x\",\"available\":1000}"),
            shop.get("/api/inventory/reservations/" + orderId),
            shop.post("/internal/inventory/reservations/" + orderId + "/release"),
            shop.send("POST", "/internal/inventory/reservations", "application/json", reservation),
            shop.send(
                "PUT",
                "/internal/inventory/items/" + sku + "/adjustments/" + UUID.randomUUID(),
                "application/json",
                "{\"change\":1000}"),
            shop.get("/internal/inventory/reservations/" + orderId));

    for (Answer answer : answers) {
      assertThat(answer.status())
          .as(
              answer.raw().request().method()
                  + " "
                  + answer.raw().uri()
                  + " "
                  + answer.raw().body())
          .isIn(404, 405);
      assertThat(answer.contentType()).startsWith("application/problem+json");
    }
    assertThat(shop.get("/api/inventory/items").raw().body()).isEqualTo(itemsBefore);
    assertThat(shop.get("/api/orders/" + orderId).json().get("status").asString())
        .isEqualTo("CONFIRMED");
    assertThat(shop.reservation(orderId).json().get("status").asString()).isEqualTo("RESERVED");
    assertThat(shop.available(sku)).isEqualTo(1);
  }

  @Test
  @Order(7)
  void internalAndActuatorEndpointsOfTheServicesAreNotReachableThroughTheGateway() {
    assertThat(shop.get("/internal/orders/pending").status()).isEqualTo(404);
    assertThat(shop.get("/api/orders/actuator/health").status()).isBetween(400, 499);
    assertThat(shop.get("/actuator/env").status()).isEqualTo(404);
    assertThat(shop.get("/actuator/prometheus").status())
        .as("the gateway's own actuator is on its management port only")
        .isEqualTo(404);
    assertThat(
            new ShopClient(stack.managementUrl(LocalStack.GATEWAY))
                .get("/actuator/health")
                .status())
        .isEqualTo(200);
  }

  @Test
  @Order(100)
  void whileInventoryIsDownOrdersArePendingAndTheBatchJobSettlesThemLater() throws Exception {
    String sku = shop.newItemWithStock(10);
    stack.stop(LocalStack.INVENTORY_A);
    stack.stop(LocalStack.INVENTORY_B);
    try {
      Answer placed = shop.placeOrder(sku, 2);
      assertThat(placed.status()).isEqualTo(202);
      assertThat(placed.json().get("status").asString()).isEqualTo("PENDING");
      String id = placed.json().get("id").asString();

      assertThat(stack.runBatch()).as("inventory still down: orders stay pending").isEqualTo(2);

      stack.start(LocalStack.INVENTORY_A, LocalStack.INVENTORY_B);
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> stack.runBatch() == 0);
      assertThat(shop.get("/api/orders/" + id).json().get("status").asString())
          .isEqualTo("CONFIRMED");
      assertThat(shop.available(sku)).isEqualTo(8);
      assertThat(stack.runBatch()).as("a second run finds nothing to do").isZero();
      assertThat(shop.available(sku)).as("nothing settled twice").isEqualTo(8);
    } finally {
      stack.start(LocalStack.INVENTORY_A, LocalStack.INVENTORY_B);
    }
  }

  private static String metrics(String instance) {
    return new ShopClient(stack.managementUrl(instance)).get("/actuator/prometheus").raw().body();
  }

  private static double itemListRequests(String instance) {
    String metrics = metrics(instance);
    Matcher m =
        Pattern.compile(
                "http_server_requests_seconds_count\\{[^}]*uri=\"/api/inventory/items\"[^}]*} ([0-9.E]+)")
            .matcher(metrics);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }
}
