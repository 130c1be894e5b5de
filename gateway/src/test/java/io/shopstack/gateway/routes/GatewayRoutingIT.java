package io.shopstack.gateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.shopstack.testsupport.TestIssuer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in front of fake services on loopback: one order-service and two inventory-service
 * instances found by simple discovery. Requests under each public prefix reach an instance of the
 * right service unchanged, the answers come back unchanged, the request id is shared end to end,
 * and nothing outside the two prefixes is routed.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "spring.http.clients.read-timeout=2s"})
class GatewayRoutingIT {

  static final ServiceInstance orders = ServiceInstance.start("order-service");
  static final ServiceInstance inventoryA = ServiceInstance.start("inventory-service-a");
  static final ServiceInstance inventoryB = ServiceInstance.start("inventory-service-b");

  static final HttpClient http = HttpClient.newHttpClient();
  static final TestIssuer issuer = TestIssuer.start();

  /** A shopper's token, valid for the whole run: every routed request carries it. */
  static final String TOKEN = issuer.customer("alice");

  static final JsonMapper json = JsonMapper.builder().build();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void discovery(DynamicPropertyRegistry registry) {
    issuer.register(registry);
    String prefix = "spring.cloud.discovery.client.simple.instances.";
    registry.add(prefix + "order-service[0].uri", orders::uri);
    registry.add(prefix + "inventory-service[0].uri", inventoryA::uri);
    registry.add(prefix + "inventory-service[1].uri", inventoryB::uri);
  }

  @AfterEach
  void resetServices() {
    allServices().forEach(ServiceInstance::resetToDefault);
  }

  @AfterAll
  static void stopServices() {
    issuer.close();
    allServices().forEach(ServiceInstance::stop);
  }

  @Test
  void orderRequestReachesOrderServiceUnchangedAndItsAnswerComesBack() throws Exception {
    String order = "{\"lines\":[{\"sku\":\"SKU-1\",\"quantity\":2}]}";
    String created = "{\"id\":\"42\",\"status\":\"CONFIRMED\"}";
    orders.stubFor(
        any(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("Location", "/api/orders/42")
                    .withBody(created)));

    HttpResponse<String> response =
        send(
            request("/api/orders?source=web%20shop&tag=a&tag=b&q=a%2Bb%26c")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "key-123")
                .POST(BodyPublishers.ofString(order)));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).hasValue("/api/orders/42");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).isEqualTo(created);
    assertThat(orders.received())
        .singleElement()
        .satisfies(
            received -> {
              assertThat(received.getMethod()).isEqualTo(RequestMethod.POST);
              // The gateway re-encodes the query from the parsed parameters: same parameters, maybe
              // another order.
              assertThat(received.getUrl()).startsWith("/api/orders?");
              assertThat(queryParameters(received.getUrl()))
                  .containsOnly(
                      entry("source", List.of("web shop")),
                      entry("tag", List.of("a", "b")),
                      entry("q", List.of("a+b&c")));
              assertThat(received.getHeader("Idempotency-Key")).isEqualTo("key-123");
              // Tomcat adds the request's character encoding (UTF-8, JSON's own) as a parameter.
              assertThat(MediaType.parseMediaType(received.getHeader("Content-Type")))
                  .isEqualTo(MediaType.parseMediaType("application/json;charset=UTF-8"));
              assertThat(received.getBodyAsString()).isEqualTo(order);
            });
    inventoryA.verify(0, anyRequestedFor(anyUrl()));
    inventoryB.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void inventoryRequestReachesInventoryService() throws Exception {
    HttpResponse<String> response =
        send(
            request("/api/inventory/items/SKU-1/stock")
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString("{\"available\":5}")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("{\"service\":\"inventory-service-");
    List<LoggedRequest> received =
        Stream.concat(inventoryA.received().stream(), inventoryB.received().stream()).toList();
    assertThat(received)
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.getMethod()).isEqualTo(RequestMethod.PUT);
              assertThat(request.getUrl()).isEqualTo("/api/inventory/items/SKU-1/stock");
              assertThat(request.getBodyAsString()).isEqualTo("{\"available\":5}");
            });
    orders.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void encodedPathIsForwardedAsSent() throws Exception {
    HttpResponse<String> response = send(request("/api/inventory/items/SKU%201%C3%BC").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Stream.concat(inventoryA.received().stream(), inventoryB.received().stream()))
        .singleElement()
        .extracting(LoggedRequest::getUrl)
        .isEqualTo("/api/inventory/items/SKU%201%C3%BC");
  }

  @Test
  void requestsAreSpreadOverBothInventoryInstances() throws Exception {
    for (int i = 0; i < 6; i++) {
      assertThat(send(request("/api/inventory/items").GET()).statusCode()).isEqualTo(200);
    }

    assertThat(inventoryA.received()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(inventoryB.received()).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void clientRequestIdReachesTheServiceAndComesBack() throws Exception {
    HttpResponse<String> response =
        send(request("/api/orders/42").header("X-Request-Id", "client-chosen-id").GET());

    assertThat(response.headers().allValues("X-Request-Id")).containsExactly("client-chosen-id");
    assertThat(orders.received().getFirst().getHeaders().getHeader("X-Request-Id").values())
        .containsExactly("client-chosen-id");
  }

  @Test
  void generatedRequestIdReachesTheServiceAndComesBack() throws Exception {
    HttpResponse<String> response = send(request("/api/orders/42").GET());

    List<String> ids = response.headers().allValues("X-Request-Id");
    assertThat(ids).singleElement().asString().isNotBlank();
    assertThat(orders.received().getFirst().getHeaders().getHeader("X-Request-Id").values())
        .isEqualTo(ids);
  }

  @Test
  void malformedRequestIdIsReplacedForTheServiceToo() throws Exception {
    HttpResponse<String> response =
        send(request("/api/orders/42").header("X-Request-Id", "not a valid id!").GET());

    List<String> ids = response.headers().allValues("X-Request-Id");
    assertThat(ids).singleElement().asString().isNotEqualTo("not a valid id!").isNotBlank();
    assertThat(orders.received().getFirst().getHeaders().getHeader("X-Request-Id").values())
        .isEqualTo(ids);
  }

  @Test
  void noTraceIdWithoutSkyWalkingAgent() throws Exception {
    HttpResponse<String> response = send(request("/api/orders/42").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Trace-Id")).isEmpty();
  }

  @Test
  void serviceErrorsArePassedThroughUnchanged() throws Exception {
    String problem =
        "{\"type\":\"https://shop.example/problems/insufficient-stock\",\"title\":\"Insufficient stock\",\"status\":409}";
    orders.stubFor(
        any(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody(problem)));

    HttpResponse<String> response =
        send(
            request("/api/orders")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "k")
                .POST(BodyPublishers.ofString("{}")));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).isEqualTo(problem);
  }

  @Test
  void serverErrorsOfAServiceArePassedThroughUnchanged() throws Exception {
    orders.stubFor(
        any(anyUrl())
            .willReturn(
                aResponse()
                    .withStatus(500)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody("{\"status\":500}")));

    HttpResponse<String> response = send(request("/api/orders/42").GET());

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"status\":500}");
  }

  /**
   * The gateway must not become a bulkhead: 64 requests in flight to one instance are all forwarded
   * at once (HttpClient 5's default pool would hold all but 5 of them back). The service holds
   * every answer for 1.5 s, so all 64 arrive before the first answer only if none was held back.
   */
  @Test
  void manyRequestsInFlightToOneInstanceAreForwardedTogether() throws Exception {
    int inFlight = 64;
    Duration held = Duration.ofMillis(1500);
    orders.stubFor(get(anyUrl()).willReturn(okJson("{}").withFixedDelay((int) held.toMillis())));

    List<Future<HttpResponse<String>>> responses = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < inFlight; i++) {
        String path = "/api/orders/" + i;
        responses.add(clients.submit(() -> send(request(path).GET())));
      }
    }

    for (Future<HttpResponse<String>> response : responses) {
      assertThat(response.get().statusCode()).isEqualTo(200);
    }
    List<Instant> arrivals =
        orders.received().stream().map(r -> r.getLoggedDate().toInstant()).sorted().toList();
    assertThat(arrivals).hasSize(inFlight);
    assertThat(Duration.between(arrivals.getFirst(), arrivals.getLast()))
        .as("all arrived while the first answer was held")
        .isLessThan(held);
  }

  @Test
  void slowServiceGivesGatewayTimeoutProblem() throws Exception {
    // Well beyond the gateway's read timeout of 2 s (this test's properties).
    orders.stubFor(any(anyUrl()).willReturn(okJson("{}").withFixedDelay(5000)));

    HttpResponse<String> response = send(request("/api/orders/42").GET());

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.path("title").asString()).isEqualTo("Service timeout");
    assertThat(problem.path("detail").asString()).contains("order-service");
    assertThat(problem.path("instance").asString()).isEqualTo("/api/orders/42");
    assertThat(problem.path("requestId").asString())
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
  }

  @Test
  void internalApiAndServiceActuatorAreNotRouted() throws Exception {
    for (String path :
        List.of(
            "/internal/orders/due?reconcileAfter=PT1M&limit=10",
            "/internal/inventory/reservations/5d8e2f4a-1b3c-4d5e-8f70-9a1b2c3d4e5f",
            "/internal/inventory/items/SKU-1",
            "/actuator/env",
            "/inventory/items")) {
      HttpResponse<String> response = send(request(path).GET());

      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.headers().firstValue("Content-Type"))
          .as(path)
          .hasValue("application/problem+json");
    }
    allServices().forEach(service -> service.verify(0, anyRequestedFor(anyUrl())));
  }

  @Test
  void pathsThatResolveOutsideTheirPrefixAreRefused() throws Exception {
    for (String path :
        List.of(
            "/api/orders/../../internal/orders/pending",
            "/api/orders/%2e%2e/%2E%2E/internal/orders/pending",
            "/api/inventory/../../internal/inventory/reservations",
            "/api/inventory/%2e%2e/%2e%2e/internal/inventory/items/SKU-1",
            "/api/inventory/..;/..;/actuator/env",
            "/api/orders/./42",
            "/api/orders//42")) {
      HttpResponse<String> response = send(request(path).GET());

      assertThat(response.statusCode()).as(path).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type"))
          .as(path)
          .hasValue("application/problem+json");
    }
    allServices().forEach(service -> service.verify(0, anyRequestedFor(anyUrl())));
  }

  @Test
  void gatewayActuatorAnswersItself() throws Exception {
    HttpResponse<String> response = send(request("/actuator/health").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json.readTree(response.body()).path("status").asString()).isEqualTo("UP");
    allServices().forEach(service -> service.verify(0, anyRequestedFor(anyUrl())));
  }

  @Test
  void unknownPathIsNotFoundProblem() throws Exception {
    HttpResponse<String> response = send(request("/api/customers/1").GET());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json.readTree(response.body()).path("instance").asString())
        .isEqualTo("/api/customers/1");
  }

  @Test
  void oversizedStreamedBodyIsRefused() throws Exception {
    byte[] body = new byte[70 * 1024];

    // Streamed without Content-Length: the limit is hit while the gateway forwards the body.
    HttpResponse<String> response =
        send(
            request("/api/orders")
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  private static Map<String, List<String>> queryParameters(String uri) {
    return UriComponentsBuilder.fromUriString(uri).build().getQueryParams().entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e ->
                    e.getValue().stream()
                        .map(value -> UriUtils.decode(value, StandardCharsets.UTF_8))
                        .toList()));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + TOKEN);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private static List<ServiceInstance> allServices() {
    return List.of(orders, inventoryA, inventoryB);
  }
}
