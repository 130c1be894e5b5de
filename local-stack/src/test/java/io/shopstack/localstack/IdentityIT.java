package io.shopstack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.localstack.ShopClient.Answer;
import io.shopstack.testsupport.TestIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identity across the whole stack, with the real auth-server: customers log in (authorization code
 * with PKCE) and see, read and cancel only their own orders through the gateway; the operator's
 * endpoints refuse customers; every kind of bad token is a 401 problem at the gateway; and a token
 * the gateway accepts but that is not for a service, or lacks its scope, is refused by that service
 * itself, through the gateway or called directly. Broken tokens that auth-server never issues are
 * signed with its own key, read from the file the launcher gave it.
 */
class IdentityIT {

  private static LocalStack stack;
  private static ShopClient alice;
  private static ShopClient bob;
  private static ShopClient oscar;
  private static TestIssuer forger;

  @BeforeAll
  static void startStack() throws Exception {
    Path projectDir = Path.of("..").toAbsolutePath().normalize();
    stack =
        LocalStack.start(
            projectDir, Path.of("target", "identity-it"), Ports.free(), null, Map.of());
    alice = ShopClient.of(stack, "alice");
    bob = ShopClient.of(stack, "bob");
    oscar = ShopClient.of(stack, "oscar");
    forger =
        TestIssuer.signingWith(
            Files.readString(stack.secretFile(LocalStack.AUTH, "shop.auth.signing-key")),
            stack.authUrl());
  }

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
  void eachCustomerSeesReadsAndCancelsOnlyTheirOwnOrders() {
    String sku = alice.newItemWithStock(10);
    String alices = alice.placeOrder(sku, 1).json().get("id").asString();
    String bobs = bob.placeOrder(sku, 2).json().get("id").asString();

    assertThat(ids(alice.get("/api/orders?size=100"))).contains(alices).doesNotContain(bobs);
    assertThat(ids(bob.get("/api/orders?size=100"))).contains(bobs).doesNotContain(alices);

    Answer read = bob.get("/api/orders/" + alices);
    assertProblem(read, 404, "order-not-found");
    assertProblem(bob.post("/api/orders/" + alices + "/cancel"), 404, "order-not-found");
    assertThat(alice.get("/api/orders/" + alices).json().get("status").asString())
        .isEqualTo("CONFIRMED");
    assertThat(alice.available(sku)).isEqualTo(7);
  }

  @Test
  void idempotencyKeysAreEachCustomersOwn() {
    String sku = alice.newItemWithStock(10);
    String key = UUID.randomUUID().toString();

    Answer first = alice.placeOrder(key, ShopClient.orderBody(sku, 1));
    Answer other = bob.placeOrder(key, ShopClient.orderBody(sku, 3));

    assertThat(first.status()).isEqualTo(201);
    assertThat(other.status()).isEqualTo(201);
    assertThat(other.json().get("id").asString()).isNotEqualTo(first.json().get("id").asString());
  }

  @Test
  void theOperatorsEndpointsRefuseCustomers() {
    String sku = alice.newItemWithStock(5);
    String alices = alice.placeOrder(sku, 1).json().get("id").asString();

    assertProblem(alice.get("/api/admin/orders"), 403, "forbidden");
    Answer all = oscar.get("/api/admin/orders?size=100");
    assertThat(all.status()).isEqualTo(200);
    assertThat(ids(all)).contains(alices);
    // Stock administration, on inventory-service itself.
    ShopClient aliceAtInventory =
        new ShopClient(stack.url(LocalStack.INVENTORY_A)).withToken(token(alice, "/api/orders"));
    assertProblem(
        aliceAtInventory.send(
            "PUT",
            "/internal/inventory/items/" + sku + "/adjustments/" + UUID.randomUUID(),
            "application/json",
            "{\"change\":1000}"),
        403,
        "forbidden");
    assertThat(alice.available(sku)).isEqualTo(4);
  }

  @Test
  void everyBadTokenIsA401ProblemAtTheGateway() {
    String real = token(alice, "/api/orders");
    String[] parts = real.split("\\.");
    Map<String, String> bad =
        Map.of(
            "expired", forger.token().expiresAt(Instant.now().minusSeconds(60)).sign(),
            "another issuer", forger.token().issuer("https://evil.example").sign(),
            "not for the gateway", forger.token().audience("order-service").sign(),
            "another key", TestIssuer.start().token().issuer(stack.authUrl()).sign(),
            "alg none", forger.token().unsigned(),
            "HS256 with the public key", forger.token().hmacWithPublicKey(),
            "tampered payload",
                parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "A." + parts[2]);
    bad.forEach(
        (kind, token) -> {
          for (String path : List.of("/api/orders", "/api/inventory/items")) {
            Answer answer = alice.withToken(token).get(path);
            assertProblem(answer, 401, "unauthorized");
            assertThat(answer.raw().body()).as(kind).doesNotContain(token);
          }
        });
    assertProblem(alice.withToken(null).get("/api/orders"), 401, "unauthorized");
  }

  @Test
  void aTokenTheGatewayAcceptsIsRefusedByTheServiceItIsNotFor() {
    String gatewayOnly = forger.token().subject("alice").audience("gateway").sign();

    // Through the gateway: it passes the gateway, order-service refuses it.
    assertProblem(alice.withToken(gatewayOnly).get("/api/orders"), 401, "unauthorized");
    // Directly: the same.
    assertProblem(
        new ShopClient(stack.url(LocalStack.ORDER)).withToken(gatewayOnly).get("/api/orders"),
        401,
        "unauthorized");
    // A real customer token has inventory-service's audience but not order-service's scope for
    // reservations: inventory-service refuses it when called directly.
    assertProblem(
        new ShopClient(stack.url(LocalStack.INVENTORY_A))
            .withToken(token(alice, "/api/orders"))
            .send(
                "POST",
                "/internal/inventory/reservations",
                "application/json",
                "{\"orderId\":\""
                    + UUID.randomUUID()
                    + "\",\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":1}]}"),
        403,
        "forbidden");
  }

  @Test
  void noTokenOrPasswordReachesALog() throws Exception {
    String sku = alice.newItemWithStock(3);
    alice.placeOrder(sku, 1);
    assertThat(stack.runBatch()).isZero();
    String token = token(alice, "/api/orders");

    for (String service :
        List.of(
            LocalStack.AUTH,
            LocalStack.GATEWAY,
            LocalStack.ORDER,
            LocalStack.INVENTORY_A,
            LocalStack.INVENTORY_B,
            LocalStack.BATCH)) {
      String log =
          Files.readString(
              service.equals(LocalStack.BATCH) ? stack.batchLog() : stack.log(service));
      assertThat(log).as(service).doesNotContain(token);
      LocalStack.DEMO_PASSWORDS
          .values()
          .forEach(p -> assertThat(log).as(service).doesNotContain(p));
      assertThat(log).as(service).doesNotContainPattern("eyJ[A-Za-z0-9_-]{20,}\\.eyJ");
    }
  }

  /** The bearer token a client sends (read back from a request it makes). */
  private static String token(ShopClient client, String path) {
    String authorization =
        client.get(path).raw().request().headers().firstValue("Authorization").orElseThrow();
    return authorization.substring("Bearer ".length());
  }

  private static List<String> ids(Answer page) {
    assertThat(page.status()).isEqualTo(200);
    List<String> ids = new java.util.ArrayList<>();
    page.json().get("content").forEach(order -> ids.add(order.get("id").asString()));
    return ids;
  }

  private static void assertProblem(Answer answer, int status, String type) {
    assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    assertThat(answer.json().get("type").asString())
        .isEqualTo("https://shop.example/problems/" + type);
  }
}
