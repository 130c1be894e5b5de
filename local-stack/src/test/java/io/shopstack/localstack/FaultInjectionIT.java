package io.shopstack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.localstack.ShopClient.Answer;
import io.shopstack.testsupport.TcpProxy;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Crashes and lost answers in the middle of placing, cancelling and expiring an order, on the real
 * services as separate JVMs with a real PostgreSQL. order-service reaches inventory through a
 * {@link TcpProxy} that can pass each request on and then lose inventory's answer (inventory has
 * acted; order-service never hears of it), or at that moment SIGKILL order-service, as a crash
 * between its two steps would. After each scenario the {@link Invariants} hold at once, and again
 * after the batch job has settled everything: no stock lost or held twice, no CONFIRMED order
 * without its stock, no order left unsettled.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

  private static LocalStack stack;
  private static ShopClient shop;
  private static TcpProxy toInventory;

  @BeforeAll
  static void startStack() throws Exception {
    stack =
        LocalStack.start(
            Path.of("..").toAbsolutePath().normalize(),
            Path.of("target", "fault-injection-it"),
            Ports.free(),
            null,
            Map.of("shop.batch.reconcile-after", "0s"));
    shop = ShopClient.of(stack, "alice");
    toInventory =
        new TcpProxy(
            "127.0.0.1", Integer.parseInt(stack.url(LocalStack.INVENTORY_A).replaceAll(".*:", "")));
    String proxied = "http://127.0.0.1:" + toInventory.port();
    stack.restartWith(
        LocalStack.ORDER,
        "--spring.cloud.discovery.client.simple.instances.inventory-service[0].uri=" + proxied,
        "--spring.cloud.discovery.client.simple.instances.inventory-service[1].uri=" + proxied,
        // Every scenario's failures are its own: the breaker must not open across them.
        "--resilience4j.circuitbreaker.instances.inventory.minimum-number-of-calls=1000");
    assertThat(shop.placeOrder(shop.newItemWithStock(1), 1).status())
        .as("order-service reaches inventory through the proxy")
        .isEqualTo(201);
  }

  @AfterAll
  static void stopStack() {
    if (toInventory != null) {
      toInventory.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @AfterEach
  void invariantsHoldOnceEverythingIsSettled() throws Exception {
    toInventory.passAnswers();
    toInventory.restore();
    Invariants.settleAndCheck(stack);
  }

  @Test
  @Order(1)
  void placingAnOrderWhoseReservationAnswerIsLost() {
    String sku = shop.newItemWithStock(5);
    toInventory.dropAnswers(() -> {});

    Answer placed = shop.placeOrder(sku, 2);

    // Inventory reserved; order-service never heard: the order waits for the batch job.
    assertThat(placed.status()).isEqualTo(202);
    Invariants.check(stack);
    settle();
    assertThat(status(placed)).isEqualTo("CONFIRMED");
    assertThat(shop.available(sku)).isEqualTo(3);
  }

  @Test
  @Order(2)
  void orderServiceKilledAfterInventoryReserved() throws Exception {
    String sku = shop.newItemWithStock(5);
    String key = UUID.randomUUID().toString();
    toInventory.dropAnswers(this::killOrderService);

    Answer placed = shop.placeOrder(key, ShopClient.orderBody(sku, 2));

    assertThat(placed.status()).as(placed.raw().body()).isEqualTo(503);
    toInventory.passAnswers();
    stack.start(LocalStack.ORDER);
    Invariants.check(stack);
    // The client repeats its request with the same key: the order that was stored is answered.
    Answer repeated = shop.placeOrder(key, ShopClient.orderBody(sku, 2));
    assertThat(repeated.status()).isEqualTo(202);
    settle();
    assertThat(status(repeated)).isEqualTo("CONFIRMED");
    assertThat(shop.available(sku)).as("taken once").isEqualTo(3);
  }

  @Test
  @Order(3)
  void cancellingWhenInventorysReleaseAnswerIsLost() {
    String sku = shop.newItemWithStock(5);
    Answer placed = shop.placeOrder(sku, 2);
    assertThat(placed.status()).isEqualTo(201);
    toInventory.dropAnswers(() -> {});

    Answer cancelled = shop.post("/api/orders/" + id(placed) + "/cancel");

    // Inventory released; the cancellation is recorded and waits to be finished.
    assertThat(cancelled.status()).as(cancelled.raw().body()).isEqualTo(202);
    assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLING");
    Invariants.check(stack);
    settle();
    assertThat(status(placed)).isEqualTo("CANCELLED");
    assertThat(shop.available(sku)).isEqualTo(5);
  }

  @Test
  @Order(4)
  void orderServiceKilledAfterInventoryReleasedForACancel() throws Exception {
    String sku = shop.newItemWithStock(5);
    Answer placed = shop.placeOrder(sku, 2);
    assertThat(placed.status()).isEqualTo(201);
    toInventory.dropAnswers(this::killOrderService);

    Answer cancelled = shop.post("/api/orders/" + id(placed) + "/cancel");

    assertThat(cancelled.status()).as(cancelled.raw().body()).isEqualTo(503);
    toInventory.passAnswers();
    stack.start(LocalStack.ORDER);
    assertThat(status(placed)).isEqualTo("CANCELLING");
    Invariants.check(stack);
    settle();
    assertThat(status(placed)).isEqualTo("CANCELLED");
    assertThat(shop.available(sku)).isEqualTo(5);
  }

  @Test
  @Order(5)
  void expiringWhenInventorysReleaseAnswerIsLost() throws Exception {
    String sku = shop.newItemWithStock(5);
    Answer placed = pendingOrder(sku);
    toInventory.dropAnswers(() -> {});

    // Expire everything PENDING: the release reaches inventory, its answer does not come back.
    assertThat(stack.runBatch("--shop.batch.expire-after=0s"))
        .as("some still unsettled")
        .isEqualTo(2);

    assertThat(status(placed)).isEqualTo("EXPIRING");
    Invariants.check(stack);
    settle();
    assertThat(status(placed)).isEqualTo("EXPIRED");
    assertThat(shop.available(sku)).isEqualTo(5);
  }

  @Test
  @Order(6)
  void orderServiceKilledAfterInventoryReleasedForAnExpiry() throws Exception {
    String sku = shop.newItemWithStock(5);
    Answer placed = pendingOrder(sku);
    toInventory.dropAnswers(this::killOrderService);

    assertThat(stack.runBatch("--shop.batch.expire-after=0s"))
        .as("order-service went away")
        .isEqualTo(1);

    toInventory.passAnswers();
    stack.start(LocalStack.ORDER);
    assertThat(status(placed)).isEqualTo("EXPIRING");
    Invariants.check(stack);
    settle();
    assertThat(status(placed)).isEqualTo("EXPIRED");
    assertThat(shop.available(sku)).isEqualTo(5);
  }

  /** An order that stays PENDING: inventory unreachable while it is placed. */
  private static Answer pendingOrder(String sku) {
    toInventory.cut();
    Answer placed = shop.placeOrder(sku, 2);
    toInventory.restore();
    assertThat(placed.status()).isEqualTo(202);
    return placed;
  }

  private void killOrderService() {
    try {
      stack.kill(LocalStack.ORDER);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void settle() {
    toInventory.passAnswers();
    try {
      Invariants.settleAndCheck(stack);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String id(Answer placed) {
    return placed.json().get("id").asString();
  }

  private static String status(Answer placed) {
    return shop.get("/api/orders/" + id(placed)).json().get("status").asString();
  }
}
