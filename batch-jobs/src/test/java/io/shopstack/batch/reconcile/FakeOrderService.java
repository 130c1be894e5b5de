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
 * order-service's internal API on 127.0.0.1, as far as the batch uses it: {@code GET
 * /internal/orders/due} (unsettled orders oldest first, PENDING ones only once older than {@code
 * reconcileAfter}, keyset pages after the id given) and {@code POST /internal/orders/{id}/settle},
 * whose outcome for each order the test sets (by default what order-service does when inventory
 * answers: a PENDING order becomes CONFIRMED, a CANCELLING one CANCELLED, an EXPIRING one EXPIRED).
 * Every call is recorded.
 */
final class FakeOrderService implements AutoCloseable {

  private static final Pattern SETTLE = Pattern.compile("/internal/orders/([0-9a-f-]{36})/settle");

  private final HttpServer server;
  private final Map<UUID, Stored> orders = new LinkedHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile Function<Stored, Answer> settle = FakeOrderService::settledAsUsual;
  private volatile int failEverythingWith;

  /** What settle does to an unsettled order: a new status, or an error status code. */
  record Answer(Status status, int error) {
    static Answer status(Status status) {
      return new Answer(status, 0);
    }

    static Answer error(int code) {
      return new Answer(null, code);
    }
  }

  record Stored(UUID id, Status status, Instant createdAt) {}

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
    return add(Status.PENDING, age);
  }

  synchronized UUID add(Status status, Duration age) {
    return add(UUID.randomUUID(), status, age);
  }

  synchronized UUID add(UUID id, Status status, Duration age) {
    orders.put(id, new Stored(id, status, Instant.now().minus(age)));
    return id;
  }

  synchronized Status status(UUID id) {
    return orders.get(id).status();
  }

  void onSettle(Function<Stored, Answer> answer) {
    settle = answer;
  }

  private static Answer settledAsUsual(Stored order) {
    return Answer.status(
        switch (order.status()) {
          case PENDING -> Status.CONFIRMED;
          case CANCELLING -> Status.CANCELLED;
          case EXPIRING -> Status.EXPIRED;
          default -> order.status();
        });
  }

  void failEverythingWith(int status) {
    failEverythingWith = status;
  }

  /** Calls received, as {@code "GET /internal/orders/due?..."} or {@code "settle <id>?..."}. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  List<String> callsFor(UUID id) {
    return calls.stream().filter(call -> call.startsWith("settle " + id)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Matcher settling = SETTLE.matcher(path);
      if (failEverythingWith != 0) {
        calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        respond(exchange, failEverythingWith, "{\"status\":" + failEverythingWith + "}");
      } else if (exchange.getRequestMethod().equals("GET") && path.equals("/internal/orders/due")) {
        calls.add("GET " + exchange.getRequestURI());
        respond(exchange, 200, due(exchange));
      } else if (exchange.getRequestMethod().equals("POST") && settling.matches()) {
        UUID id = UUID.fromString(settling.group(1));
        calls.add("settle " + id + "?" + exchange.getRequestURI().getQuery());
        settle(exchange, id);
      } else {
        respond(exchange, 404, "{\"status\":404}");
      }
    }
  }

  private synchronized String due(HttpExchange exchange) {
    Map<String, List<String>> query =
        UriComponentsBuilder.fromUri(exchange.getRequestURI()).build().getQueryParams();
    Instant createdBefore =
        Instant.now().minus(Duration.parse(query.get("reconcileAfter").getFirst()));
    int limit = Integer.parseInt(query.get("limit").getFirst());
    Comparator<Stored> oldestFirst =
        Comparator.comparing(Stored::createdAt).thenComparing(Stored::id);
    Stored after =
        query.containsKey("after")
            ? orders.get(UUID.fromString(query.get("after").getFirst()))
            : null;
    return orders.values().stream()
        .filter(
            order ->
                order.status() == Status.CANCELLING
                    || order.status() == Status.EXPIRING
                    || (order.status() == Status.PENDING
                        && order.createdAt().isBefore(createdBefore)))
        .filter(order -> after == null || oldestFirst.compare(order, after) > 0)
        .sorted(oldestFirst)
        .limit(limit)
        .map(FakeOrderService::json)
        .collect(Collectors.joining(",", "[", "]"));
  }

  private synchronized void settle(HttpExchange exchange, UUID id) throws IOException {
    Stored order = orders.get(id);
    if (List.of(Status.PENDING, Status.CANCELLING, Status.EXPIRING).contains(order.status())) {
      Answer answer = settle.apply(order);
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
        {"id":"%s","status":"%s","lines":[{"sku":"SKU-RED-MUG","quantity":1}],\
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
