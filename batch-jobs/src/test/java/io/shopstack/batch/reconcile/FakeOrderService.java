package io.shopstack.batch.reconcile;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.shopstack.batch.reconcile.Order.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * order-service's internal API on 127.0.0.1, as far as the batch uses it: a list of orders served
 * by {@code GET /internal/orders/pending} (oldest first), and reconcile and expire as guarded state
 * transitions that leave an order no longer PENDING unchanged. Each order's reconcile outcome is
 * set by the test; every call is recorded.
 */
final class FakeOrderService implements AutoCloseable {

  private static final Pattern TRANSITION =
      Pattern.compile("/internal/orders/([0-9a-f-]{36})/(reconcile|expire)");

  private final HttpServer server;
  private final Map<UUID, Stored> orders = new LinkedHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile Function<UUID, Answer> reconcile = id -> Answer.status(Status.CONFIRMED);
  private volatile Function<UUID, Answer> expire = id -> Answer.status(Status.EXPIRED);
  private volatile int failEverythingWith;

  /** What reconcile or expire does to a PENDING order: a new status, or an error status code. */
  record Answer(Status status, int error) {
    static Answer status(Status status) {
      return new Answer(status, 0);
    }

    static Answer error(int code) {
      return new Answer(null, code);
    }
  }

  private record Stored(UUID id, Status status, Instant createdAt) {}

  private FakeOrderService() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  static FakeOrderService start() {
    try {
      return new FakeOrderService();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized UUID addPending(Duration age) {
    UUID id = UUID.randomUUID();
    orders.put(id, new Stored(id, Status.PENDING, Instant.now().minus(age)));
    return id;
  }

  synchronized Status status(UUID id) {
    return orders.get(id).status();
  }

  void onReconcile(Function<UUID, Answer> answer) {
    reconcile = answer;
  }

  void onExpire(Function<UUID, Answer> answer) {
    expire = answer;
  }

  void failEverythingWith(int status) {
    failEverythingWith = status;
  }

  /** Calls received, as {@code "GET /internal/orders/pending?..."} or {@code "reconcile <id>"}. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  List<String> callsFor(UUID id) {
    return calls.stream().filter(call -> call.endsWith(id.toString())).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Matcher transition = TRANSITION.matcher(path);
      if (failEverythingWith != 0) {
        calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        respond(exchange, failEverythingWith, "{\"status\":" + failEverythingWith + "}");
      } else if (exchange.getRequestMethod().equals("GET")
          && path.equals("/internal/orders/pending")) {
        calls.add("GET " + exchange.getRequestURI());
        respond(exchange, 200, pending(exchange));
      } else if (exchange.getRequestMethod().equals("POST") && transition.matches()) {
        UUID id = UUID.fromString(transition.group(1));
        calls.add(transition.group(2) + " " + id);
        transition(exchange, id, transition.group(2).equals("expire") ? expire : reconcile);
      } else {
        respond(exchange, 404, "{\"status\":404}");
      }
    }
  }

  private synchronized String pending(HttpExchange exchange) {
    Map<String, List<String>> query =
        UriComponentsBuilder.fromUri(exchange.getRequestURI()).build().getQueryParams();
    Instant createdBefore = Instant.now().minus(Duration.parse(query.get("olderThan").getFirst()));
    int limit = Integer.parseInt(query.get("limit").getFirst());
    return orders.values().stream()
        .filter(order -> order.status() == Status.PENDING)
        .filter(order -> order.createdAt().isBefore(createdBefore))
        .sorted(Comparator.comparing(Stored::createdAt))
        .limit(limit)
        .map(FakeOrderService::json)
        .collect(Collectors.joining(",", "[", "]"));
  }

  private synchronized void transition(
      HttpExchange exchange, UUID id, Function<UUID, Answer> answers) throws IOException {
    Stored order = orders.get(id);
    if (order.status() == Status.PENDING) {
      Answer answer = answers.apply(id);
      if (answer.error() != 0) {
        respond(exchange, answer.error(), "{\"status\":" + answer.error() + "}");
        return;
      }
      order = new Stored(id, answer.status(), order.createdAt());
      orders.put(id, order);
    }
    respond(exchange, 200, json(order));
  }

  /** The full order document, with fields the batch does not read. */
  private static String json(Stored order) {
    return """
        {"id":"%s","status":"%s","lines":[{"sku":"SKU-1","quantity":1}],\
        "createdAt":"%s","updatedAt":"%s"}"""
        .formatted(order.id(), order.status(), order.createdAt(), Instant.now());
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set("Content-Type", status < 400 ? "application/json" : "application/problem+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
