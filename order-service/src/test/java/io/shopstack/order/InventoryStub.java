package io.shopstack.order;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * inventory-service for order-service's tests: WireMock on 127.0.0.1 that reserves and releases
 * whatever it is asked to until a test stubs otherwise. Stopped and started again it keeps its
 * port, its stubs and its journal, as a restarted inventory-service keeps its address.
 */
public final class InventoryStub extends WireMockServer {

  static final String RESERVATIONS = "/internal/inventory/reservations";
  static final String RELEASE = RESERVATIONS + "/[^/]+/release";

  /** Longer than order-service's read timeout for inventory (2 s): the answer comes too late. */
  public static final int TOO_LATE_MS = 5_000;

  /** inventory's answers, for tests to stub with. */
  public static final class Answer {

    private Answer() {}

    public static ResponseDefinitionBuilder reserved() {
      return json(201, "application/json", "{\"status\":\"RESERVED\",\"lines\":[]}");
    }

    public static ResponseDefinitionBuilder released() {
      return json(200, "application/json", "{\"status\":\"RELEASED\",\"lines\":[]}");
    }

    /** inventory's 409 for an order it could not serve; lines as sku, requested, available. */
    public static ResponseDefinitionBuilder insufficientStock(
        String sku, int requested, int available) {
      return json(
          409,
          "application/problem+json",
          """
          {"type":"https://shop.example/problems/insufficient-stock","title":"Insufficient stock",
           "status":409,"lines":[{"sku":"%s","requested":%d,"available":%d}]}"""
              .formatted(sku, requested, available));
    }

    public static ResponseDefinitionBuilder status(int status) {
      return json(status, "application/problem+json", "{\"status\":" + status + "}");
    }

    private static ResponseDefinitionBuilder json(int status, String contentType, String body) {
      return aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(body);
    }
  }

  private final int port;

  private InventoryStub(int port) {
    super(options().bindAddress("127.0.0.1").port(port));
    this.port = port;
  }

  /** Starts on a free loopback port. */
  public static InventoryStub started() {
    // A fixed port rather than WireMock's dynamic one, which would change on every restart.
    InventoryStub stub = new InventoryStub(freeLoopbackPort());
    stub.start();
    stub.answerAsUsual();
    return stub;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Forgets requests, stubs and scenarios, and makes sure it is listening. */
  public void resetToDefault() {
    if (!isRunning()) {
      start();
    }
    resetAll();
    answerAsUsual();
  }

  /** Answers the next reservations with these, in turn; the last one is repeated. */
  public void answerReservations(ResponseDefinitionBuilder... answers) {
    inTurn(() -> post(urlPathEqualTo(RESERVATIONS)), answers);
  }

  /** Answers the next releases with these, in turn; the last one is repeated. */
  public void answerReleases(ResponseDefinitionBuilder... answers) {
    inTurn(() -> post(urlPathMatching(RELEASE)), answers);
  }

  /** The bodies of the reservation requests received, in order. */
  public List<String> reservations() {
    return findAll(anyRequestedFor(urlPathEqualTo(RESERVATIONS))).stream()
        .map(LoggedRequest::getBodyAsString)
        .toList();
  }

  /** The paths of the release requests received, in order. */
  public List<String> releases() {
    return findAll(anyRequestedFor(urlPathMatching(RELEASE))).stream()
        .map(LoggedRequest::getUrl)
        .toList();
  }

  private void answerAsUsual() {
    stubFor(post(urlPathEqualTo(RESERVATIONS)).willReturn(Answer.reserved()));
    stubFor(post(urlPathMatching(RELEASE)).willReturn(Answer.released()));
  }

  /** A scenario that moves on with every request and stays in its last state. */
  private void inTurn(Supplier<MappingBuilder> request, ResponseDefinitionBuilder... answers) {
    // A scenario of its own per call: its stubs are the newest, so they win over earlier ones.
    String scenario = UUID.randomUUID().toString();
    for (int i = 0; i < answers.length; i++) {
      ScenarioMappingBuilder stub =
          request
              .get()
              .inScenario(scenario)
              .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i)
              .willReturn(answers[i]);
      stubFor(i < answers.length - 1 ? stub.willSetStateTo("answer " + (i + 1)) : stub);
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
