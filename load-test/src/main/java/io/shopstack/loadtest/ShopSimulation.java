package io.shopstack.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Shop traffic through the gateway, as an open model (users arrive at a rate, whatever the
 * latency): each shopper lists the catalogue, looks at one item, then either places an order and
 * looks it up, lists the confirmed orders, or orders an item that is sold out (409 expected).
 * Phases: ramp to the rate, hold it, spike to a multiple of it, settle back to it. The Job's
 * defaults (k8s/components/load-test) are sized so that every autoscaler of the shop scales out
 * during the hold and back in during the settle phase (k8s-tests' AutoscalingTest replays them).
 *
 * <p>Settings are system properties, or the environment variable in brackets (for the Job): {@code
 * baseUrl} [LOAD_TEST_BASE_URL], {@code rate} shoppers per second [LOAD_TEST_RATE], {@code
 * rampSeconds}, {@code steadySeconds}, {@code spikeSeconds}, {@code spikeFactor}, {@code
 * settleSeconds} (default a quarter of the steady phase, at least 10), {@code soldOutPercent},
 * {@code p99Millis} (the assertion), {@code restock}, {@code inventoryUrl}
 * [LOAD_TEST_INVENTORY_URL]: an inventory-service instance, whose internal API (not routed by the
 * gateway) the restock uses; {@code authUrl} [LOAD_TEST_AUTH_URL], {@code customers}
 * [LOAD_TEST_CUSTOMERS], {@code operator} [LOAD_TEST_OPERATOR] and {@code passwordsDir}
 * [LOAD_TEST_PASSWORDS_DIR]: who the shoppers are and where their passwords are (files {@code
 * shop.auth.users.<name>.password}, as auth-server's Secret holds them).
 *
 * <p>Shoppers log in the way a real client does ({@link Tokens}: the authorization-code grant with
 * PKCE at auth-server) and send their access token with every request; a token serves until shortly
 * before it expires, as a browser session would, so auth-server sees a few logins per run, not one
 * per shopper.
 */
public class ShopSimulation extends Simulation {

  /** The demo catalogue (inventory-service's V2 migration). */
  static final List<String> SKUS =
      List.of(
          "SKU-RED-MUG",
          "SKU-FRENCH-PRESS",
          "SKU-CHEF-KNIFE",
          "SKU-CAST-IRON-PAN",
          "SKU-PEPPER-MILL",
          "SKU-LINEN-TEA-TOWEL");

  static final String SOLD_OUT = "SKU-LOAD-TEST-SOLD-OUT";

  final String baseUrl = setting("baseUrl", "http://127.0.0.1:8080");
  final double rate = Double.parseDouble(setting("rate", "10"));
  final int rampSeconds = Integer.parseInt(setting("rampSeconds", "30"));
  final int steadySeconds = Integer.parseInt(setting("steadySeconds", "120"));
  final int spikeSeconds = Integer.parseInt(setting("spikeSeconds", "30"));
  final double spikeFactor = Double.parseDouble(setting("spikeFactor", "3"));
  final int settleSeconds =
      Integer.parseInt(setting("settleSeconds", "" + Math.max(10, steadySeconds / 4)));
  final double soldOutPercent = Double.parseDouble(setting("soldOutPercent", "10"));
  final int p99Millis = Integer.parseInt(setting("p99Millis", "1000"));
  final boolean restock = Boolean.parseBoolean(setting("restock", "true"));
  final String inventoryUrl = setting("inventoryUrl", "http://127.0.0.1:8082");
  final List<String> customers = List.of(setting("customers", "alice,bob").split(","));
  final Tokens tokens =
      new Tokens(
          setting("authUrl", "http://127.0.0.1:9000"),
          Tokens.passwordsDirectory(setting("passwordsDir", null)));
  final String operator = setting("operator", "oscar");

  /** Half of inventory's maximum stock: added when an item has less, so it never passes it. */
  static final int RESTOCK = 500_000_000;

  final HttpProtocolBuilder protocol =
      http.baseUrl(baseUrl)
          .header("Authorization", "Bearer #{token}")
          .acceptHeader("application/json")
          .contentTypeHeader("application/json")
          .userAgentHeader("shop-load-test");

  // A fresh Idempotency-Key per order: a repeated key would replay the first order, not place one.
  static ChainBuilder order(String name, String sku, int expectedStatus) {
    return exec(
        http(name)
            .post("/api/orders")
            .header("Idempotency-Key", "#{randomUuid()}")
            .body(StringBody("{\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":#{quantity}}]}"))
            .check(status().is(expectedStatus)));
  }

  final ScenarioBuilder shoppers =
      scenario("shopper")
          .exec(
              session ->
                  session
                      .set(
                          "token",
                          tokens.of(
                              customers.get(ThreadLocalRandom.current().nextInt(customers.size()))))
                      .set("sku", SKUS.get(ThreadLocalRandom.current().nextInt(SKUS.size())))
                      .set("quantity", 1 + ThreadLocalRandom.current().nextInt(3)))
          .exec(http("list items").get("/api/inventory/items").check(status().is(200)))
          .exec(http("show item").get("/api/inventory/items/#{sku}").check(status().is(200)))
          .randomSwitch()
          .on(
              percent(soldOutPercent).then(order("order sold-out item", SOLD_OUT, 409)),
              percent(15)
                  .then(
                      exec(
                          http("list confirmed orders")
                              .get("/api/orders?status=CONFIRMED&size=20")
                              .check(status().is(200)))),
              percent(100 - 15 - soldOutPercent)
                  .then(
                      exec(http("place order")
                              .post("/api/orders")
                              .header("Idempotency-Key", "#{randomUuid()}")
                              .body(
                                  StringBody(
                                      "{\"lines\":[{\"sku\":\"#{sku}\",\"quantity\":#{quantity}}]}"))
                              .check(status().is(201), jsonPath("$.id").saveAs("orderId")))
                          .exec(
                              http("look order up")
                                  .get("/api/orders/#{orderId}")
                                  .check(status().is(200)))));

  {
    double spikeRate = rate * spikeFactor;
    setUp(
            shoppers.injectOpen(
                rampUsersPerSec(1).to(rate).during(rampSeconds),
                constantUsersPerSec(rate).during(steadySeconds),
                rampUsersPerSec(rate).to(spikeRate).during(5),
                constantUsersPerSec(spikeRate).during(spikeSeconds),
                rampUsersPerSec(spikeRate).to(rate).during(5),
                constantUsersPerSec(rate).during(settleSeconds)))
        .protocols(protocol)
        .assertions(
            // Plain load must never turn into errors or fallbacks (409 for the sold-out item is
            // checked as the expected answer, so it is no failure).
            global().failedRequests().count().is(0L),
            global().responseTime().percentile(99.0).lt(p99Millis));
  }

  /**
   * Gives the demo items stock for the whole run (confirmed orders consume it, and an empty shelf
   * would turn every order into a 409) and creates one item that is always sold out, through
   * inventory-service's internal API: stock changes only by adjustments, each with its own id.
   */
  @Override
  public void before() {
    // Every shopper's user logs in now, before the first shopper: a login inside the run would
    // hold Gatling's threads (the next one is due only shortly before the tokens expire).
    customers.forEach(tokens::of);
    if (!restock) {
      return;
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      for (String sku : SKUS) {
        int available =
            Integer.parseInt(
                send(client, "GET", baseUrl + "/api/inventory/items/" + sku, null)
                    .replaceAll(".*\"available\":(\\d+).*", "$1"));
        if (available < RESTOCK) {
          send(
              client,
              "PUT",
              inventoryUrl
                  + "/internal/inventory/items/"
                  + sku
                  + "/adjustments/"
                  + UUID.randomUUID(),
              "{\"change\":" + RESTOCK + "}");
        }
      }
      send(
          client,
          "PUT",
          inventoryUrl + "/internal/inventory/items/" + SOLD_OUT,
          "{\"name\":\"Sold out (load test)\"}");
    } catch (IOException e) {
      throw new IllegalStateException(
          "The shop at " + baseUrl + " or inventory at " + inventoryUrl + " is not reachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String send(HttpClient client, String method, String url, String json)
      throws IOException, InterruptedException {
    // Stock administration is the operator's; the catalogue is public.
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + tokens.of(operator));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response =
        client.send(
            request
                .method(
                    method,
                    json == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          method + " " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** A system property, else the environment variable LOAD_TEST_NAME_IN_UPPER_SNAKE_CASE. */
  static String setting(String name, String fallback) {
    String env = "LOAD_TEST_" + name.replaceAll("([A-Z])", "_$1").toUpperCase();
    String value = System.getProperty(name, System.getenv(env));
    return value == null || value.isBlank() ? fallback : value;
  }
}
