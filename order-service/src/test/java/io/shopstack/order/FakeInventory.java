package io.shopstack.order;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for inventory-service on loopback that records every call and answers as a test tells
 * it to. It can be stopped and started again on the same port, as a restarted service would be.
 */
public final class FakeInventory {

  /** A request as the fake received it. */
  public record Call(String method, String path, String body) {}

  /** What the fake answers. */
  public record Answer(int status, String contentType, String body) {

    public static Answer reserved() {
      return new Answer(201, "application/json", "{\"status\":\"RESERVED\",\"lines\":[]}");
    }

    public static Answer released() {
      return new Answer(200, "application/json", "{\"status\":\"RELEASED\",\"lines\":[]}");
    }

    /** inventory's 409 for an order it could not serve; lines as sku, requested, available. */
    public static Answer insufficientStock(String sku, int requested, int available) {
      return new Answer(
          409,
          "application/problem+json",
          """
          {"type":"https://shop.example/problems/insufficient-stock","title":"Insufficient stock",
           "status":409,"lines":[{"sku":"%s","requested":%d,"available":%d}]}"""
              .formatted(sku, requested, available));
    }

    /** inventory's 409 for a reservation that arrives after the order was released. */
    public static Answer reservationReleased() {
      return new Answer(
          409,
          "application/problem+json",
          """
          {"type":"https://shop.example/problems/reservation-released",
           "title":"Reservation released","status":409}""");
    }

    public static Answer status(int status) {
      return new Answer(status, "application/problem+json", "{\"status\":" + status + "}");
    }

    /** No answer until the test ends: the client's read timeout must give up. */
    public static Answer hang() {
      return new Answer(0, null, null);
    }
  }

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Deque<Answer> reservationAnswers = new ArrayDeque<>();
  private final Deque<Answer> releaseAnswers = new ArrayDeque<>();
  private volatile CountDownLatch hung = new CountDownLatch(1);
  private volatile Runnable beforeNextReservationAnswer;
  private HttpServer server;
  private int port;

  private FakeInventory() {}

  /** Starts a fake on a free loopback port; it stops when the JVM does. */
  public static FakeInventory start() {
    FakeInventory fake = new FakeInventory();
    fake.listen(0);
    Runtime.getRuntime().addShutdownHook(new Thread(fake::stop, "fake-inventory-stop"));
    return fake;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Stops listening: callers now get "connection refused". */
  public synchronized void stop() {
    if (server != null) {
      hung.countDown();
      server.stop(0);
      server = null;
    }
  }

  /** Listens again on the same port, as a restarted inventory-service. */
  public synchronized void restart() {
    if (server == null) {
      listen(port);
    }
  }

  /** Forgets calls and scripted answers, releases hung requests and makes sure it is listening. */
  public synchronized void reset() {
    hung.countDown();
    hung = new CountDownLatch(1);
    calls.clear();
    reservationAnswers.clear();
    releaseAnswers.clear();
    beforeNextReservationAnswer = null;
    restart();
  }

  /** Answers the next reservations with these, in turn; the last one is repeated. */
  public synchronized void answerReservations(Answer... answers) {
    reservationAnswers.clear();
    reservationAnswers.addAll(List.of(answers));
  }

  /** Answers the next releases with these, in turn; the last one is repeated. */
  public synchronized void answerReleases(Answer... answers) {
    releaseAnswers.clear();
    releaseAnswers.addAll(List.of(answers));
  }

  /**
   * Runs this once, when the next reservation has arrived and before it is answered: to change the
   * order while order-service waits for inventory.
   */
  public void beforeNextReservationAnswer(Runnable action) {
    beforeNextReservationAnswer = action;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The bodies of the reservation requests received, in order. */
  public List<String> reservations() {
    return calls.stream()
        .filter(call -> call.path().equals("/internal/inventory/reservations"))
        .map(Call::body)
        .toList();
  }

  /** The paths of the release requests received, in order. */
  public List<String> releases() {
    return calls.stream().map(Call::path).filter(path -> path.endsWith("/release")).toList();
  }

  private void listen(int wantedPort) {
    try {
      server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wantedPort), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not listen on port " + wantedPort, e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
    port = server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      calls.add(new Call(exchange.getRequestMethod(), path, body));
      Answer answer =
          !exchange.getRequestMethod().equals("POST")
              ? Answer.status(405)
              : path.equals("/internal/inventory/reservations")
                  ? next(reservationAnswers, Answer.reserved())
                  : path.matches("/internal/inventory/reservations/[^/]+/release")
                      ? next(releaseAnswers, Answer.released())
                      : Answer.status(404);
      Runnable action = beforeNextReservationAnswer;
      if (action != null && path.equals("/internal/inventory/reservations")) {
        beforeNextReservationAnswer = null;
        action.run();
      }
      if (answer.status() == 0) {
        awaitEndOfTest();
        return;
      }
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private synchronized Answer next(Deque<Answer> answers, Answer otherwise) {
    if (answers.isEmpty()) {
      return otherwise;
    }
    return answers.size() == 1 ? answers.peekFirst() : answers.pollFirst();
  }

  private void awaitEndOfTest() {
    try {
      hung.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
