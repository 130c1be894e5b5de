package io.shopstack.gateway.routes;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A stand-in for one instance of a shop service on 127.0.0.1: it records every request it receives
 * and answers with whatever the test sets (by default 200 with its own name). Like the real
 * services it echoes {@code X-Request-Id}.
 */
final class FakeService implements AutoCloseable {

  /** A request as the service received it. */
  record Received(String method, String uri, Headers headers, String body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  /** What the service answers. */
  record Answer(int status, Map<String, String> headers, String body) {
    static Answer json(int status, String body) {
      return new Answer(status, Map.of("Content-Type", "application/json"), body);
    }
  }

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Function<Received, Answer> answers;
  private volatile boolean dropping;

  private FakeService(String name) throws IOException {
    this.name = name;
    this.answers = defaultAnswers();
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static FakeService start(String name) {
    try {
      return new FakeService(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  void answer(Function<Received, Answer> answers) {
    this.answers = answers;
  }

  /** Accepts requests but does not answer them until the service is closed. */
  void hang() {
    answer(
        request -> {
          try {
            closing.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Answer.json(200, "{}");
        });
  }

  /**
   * Reads each request, then closes the connection without answering: what the caller sees when an
   * instance crashes, or is killed, while it works on a request it may already have acted on.
   */
  void dropAfterReading() {
    dropping = true;
  }

  void reset() {
    received.clear();
    answers = defaultAnswers();
    dropping = false;
  }

  private Function<Received, Answer> defaultAnswers() {
    return request -> Answer.json(200, "{\"service\":\"" + name + "\"}");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Received request =
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              exchange.getRequestHeaders(),
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      received.add(request);
      if (dropping) {
        // Closing an exchange whose response has not started closes the connection.
        return;
      }
      Answer answer = answers.apply(request);
      String requestId = request.header("X-Request-Id");
      if (requestId != null) {
        exchange.getResponseHeaders().set("X-Request-Id", requestId);
      }
      answer.headers().forEach(exchange.getResponseHeaders()::set);
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
