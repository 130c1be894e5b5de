package io.shopstack.gateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One of two inventory-service instances has stopped but discovery still lists it, as happens for a
 * moment in every rolling update (and for good with a static local list). Requests without a body
 * are tried once more on the other instance, and the stopped one is skipped from then on, so no
 * client sees a failure.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "logging.level.root=WARN"})
class FailoverIT {

  static final String stopped = ServiceInstance.stoppedUri();
  static final ServiceInstance running = ServiceInstance.start("inventory-service");
  static final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void discovery(DynamicPropertyRegistry registry) {
    registry.add(
        "spring.cloud.discovery.client.simple.instances.inventory-service[0].uri", () -> stopped);
    registry.add(
        "spring.cloud.discovery.client.simple.instances.inventory-service[1].uri", running::uri);
  }

  @AfterAll
  static void stop() {
    running.stop();
  }

  @Test
  void requestsWithoutBodyReachTheInstanceThatAnswers() throws Exception {
    for (int i = 0; i < 20; i++) {
      int status =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/api/inventory/items"))
                      .build(),
                  BodyHandlers.discarding())
              .statusCode();
      assertThat(status).as("request %d", i).isEqualTo(200);
    }
    running.verify(20, anyRequestedFor(anyUrl()));
  }
}
