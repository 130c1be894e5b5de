package io.shopstack.batch.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.shopstack.batch.reconcile.Order.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * order-service's internal API for the batch job's tests: WireMock on 127.0.0.1 that lists the due
 * orders and answers the settles a test stubs, in the shape of the recorded contract with
 * order-service (OrderServiceStubContractTest holds it to that). order-service decides by its
 * database's clock what is due and what settling does, so a test states both.
 */
final class OrderServiceStub extends WireMockServer {

  static final String DUE = "/internal/orders/due";

  private static final JsonMapper json = JsonMapper.builder().build();

  private final String uri;

  private OrderServiceStub() {
    super(options().bindAddress("127.0.0.1").dynamicPort());
    start();
    // Taken now: WireMock no longer has a port once stopped, and tests stop it to refuse the job.
    uri = "http://127.0.0.1:" + port();
  }

  static OrderServiceStub started() {
    return new OrderServiceStub();
  }

  /** An order order-service holds, created this long ago. */
  static Order order(Status status, Duration age) {
    return order(UUID.randomUUID(), status, age);
  }

  static Order order(UUID id, Status status, Duration age) {
    return new Order(id, status, Instant.now().minus(age));
  }

  static String settlePath(UUID id) {
    return "/internal/orders/" + id + "/settle";
  }

  /** order-service's problem answer with this status. */
  static ResponseDefinitionBuilder problem(int status) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"status\":" + status + "}");
  }

  String uri() {
    return uri;
  }

  /**
   * Lists these orders, in the order given, as the ones due for {@code reconcileAfter}, in keyset
   * pages of {@code pageSize}, and holds them (see {@link #holds}).
   */
  void due(Duration reconcileAfter, int pageSize, Order... orders) {
    List<Order> due = List.of(orders);
    UUID after = null;
    for (int from = 0; ; from += pageSize) {
      List<Order> page = due.subList(from, Math.min(from + pageSize, due.size()));
      stubFor(
          get(urlPathEqualTo(DUE))
              .withQueryParam("reconcileAfter", equalTo(reconcileAfter.toString()))
              .withQueryParam("limit", equalTo(String.valueOf(pageSize)))
              .withQueryParam("after", after == null ? absent() : equalTo(after.toString()))
              .willReturn(
                  okJson(
                      page.stream()
                          .map(OrderServiceStub::json)
                          .collect(Collectors.joining(",", "[", "]")))));
      // A short page is the last one: the job asks no further.
      if (page.size() < pageSize) {
        break;
      }
      after = page.getLast().id();
    }
    holds(orders);
  }

  /**
   * Settles these orders as order-service does when inventory answers: a PENDING one becomes
   * CONFIRMED, a CANCELLING one CANCELLED, an EXPIRING one EXPIRED.
   */
  void holds(Order... orders) {
    for (Order order : orders) {
      settles(
          order,
          switch (order.status()) {
            case PENDING -> Status.CONFIRMED;
            case CANCELLING -> Status.CANCELLED;
            case EXPIRING -> Status.EXPIRED;
            default -> order.status();
          });
    }
  }

  /** Settling this order leaves it in this status (the newest stub for an order wins). */
  void settles(Order order, Status after) {
    stubFor(
        post(urlPathEqualTo(settlePath(order.id())))
            .willReturn(okJson(json(new Order(order.id(), after, order.createdAt())))));
  }

  /** The requests received, oldest first, as {@code "GET /internal/orders/due?..."}. */
  List<String> requests() {
    return findAll(anyRequestedFor(anyUrl())).stream()
        .map(request -> request.getMethod() + " " + request.getUrl())
        .toList();
  }

  /** The settle requests for this order, as {@code "POST /internal/orders/<id>/settle?..."}. */
  List<String> settleCalls(UUID id) {
    return requests().stream()
        .filter(request -> request.startsWith("POST " + settlePath(id)))
        .toList();
  }

  /** The status order-service answered the last settle of this order with; empty if none. */
  Optional<Status> settledAs(UUID id) {
    return getAllServeEvents().stream() // newest first
        .filter(event -> event.getRequest().getUrl().startsWith(settlePath(id)))
        .filter(event -> event.getResponse().getStatus() == 200)
        .findFirst()
        .map(event -> json.readTree(event.getResponse().getBodyAsString()).path("status"))
        .map(status -> Status.valueOf(status.asString()));
  }

  /** The full order document, with fields the batch does not read. */
  private static String json(Order order) {
    return """
        {"id":"%s","status":"%s","lines":[{"sku":"SKU-RED-MUG","quantity":1}],\
        "createdAt":"%s","updatedAt":"%s"}"""
        .formatted(order.id(), order.status(), order.createdAt(), Instant.now());
  }
}
