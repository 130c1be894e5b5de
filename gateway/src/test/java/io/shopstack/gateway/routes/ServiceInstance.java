package io.shopstack.gateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/**
 * One instance of a shop service for the gateway to route to: WireMock on 127.0.0.1. Until a test
 * stubs otherwise it answers 200 with the instance's name and, like the real services, echoes
 * {@code X-Request-Id}: the gateway has to drop that copy, as it has already set the same id.
 */
final class ServiceInstance extends WireMockServer {

  private final String name;
  private final String uri;

  private ServiceInstance(String name) {
    // GatewayRoutingIT holds 64 requests at once on one instance; WireMock's default is 25 threads.
    super(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(100));
    this.name = name;
    start();
    // Taken now: WireMock no longer has a port once stopped, and a stopped instance's is wanted.
    this.uri = "http://127.0.0.1:" + port();
    answerByDefault();
  }

  static ServiceInstance start(String name) {
    return new ServiceInstance(name);
  }

  /** The address of an instance that was there and has stopped: nothing listens on it any more. */
  static String stoppedUri() {
    ServiceInstance instance = start("stopped");
    instance.stop();
    return instance.uri();
  }

  String uri() {
    return uri;
  }

  /** The requests received, oldest first. */
  List<LoggedRequest> received() {
    return findAll(anyRequestedFor(anyUrl()));
  }

  /** Forgets the requests and the tests' stubs. */
  void resetToDefault() {
    resetAll();
    answerByDefault();
  }

  private void answerByDefault() {
    // Below the default priority, so that any stub of a test wins.
    stubFor(
        any(anyUrl())
            .atPriority(10)
            .willReturn(
                okJson("{\"service\":\"" + name + "\"}")
                    .withHeader("X-Request-Id", "{{request.headers.X-Request-Id}}")
                    .withTransformers("response-template")));
  }
}
