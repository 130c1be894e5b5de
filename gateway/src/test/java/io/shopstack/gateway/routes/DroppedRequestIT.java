package io.shopstack.gateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import io.shopstack.testsupport.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One of two instances takes the connection, reads a request, then closes the connection without
 * answering, as an instance does that crashes while it works (or that closed an idle connection as
 * the request went out). It may have acted already, so the gateway must not send an unsafe request
 * to the other instance: a bodiless POST (a cancel) reaches the services exactly once, and the
 * client gets a 503 it can decide to repeat. A GET changes nothing, so it is repeated on the other
 * instance and the client never sees the failure.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "logging.level.root=WARN"})
class DroppedRequestIT {

  static final ServiceInstance dropping = droppingAfterReading("order-service");
  static final ServiceInstance answering = ServiceInstance.start("order-service");
  static final ServiceInstance droppingInventory = droppingAfterReading("inventory-service");
  static final ServiceInstance answeringInventory = ServiceInstance.start("inventory-service");
  static final HttpClient http = HttpClient.newHttpClient();
  static final TestIssuer issuer = TestIssuer.start();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void discovery(DynamicPropertyRegistry registry) {
    issuer.register(registry);
    registry.add(
        "spring.cloud.discovery.client.simple.instances.order-service[0].uri", dropping::uri);
    registry.add(
        "spring.cloud.discovery.client.simple.instances.order-service[1].uri", answering::uri);
    registry.add(
        "spring.cloud.discovery.client.simple.instances.inventory-service[0].uri",
        droppingInventory::uri);
    registry.add(
        "spring.cloud.discovery.client.simple.instances.inventory-service[1].uri",
        answeringInventory::uri);
  }

  @AfterAll
  static void stop() {
    issuer.close();
    dropping.stop();
    answering.stop();
    droppingInventory.stop();
    answeringInventory.stop();
  }

  /**
   * Reads each request, then closes the connection without answering: what the caller sees when an
   * instance crashes, or is killed, while it works on a request it may already have acted on.
   */
  private static ServiceInstance droppingAfterReading(String name) {
    ServiceInstance instance = ServiceInstance.start(name);
    instance.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
    return instance;
  }

  @Test
  void aSafeRequestIsRepeatedOnAnotherInstance() throws Exception {
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      responses.add(
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/inventory/items/SKU-1"))
                  .GET()
                  .build(),
              BodyHandlers.ofString()));
    }

    // One of the two GETs went to the dropping instance (HttpClient 5 itself may send an idempotent
    // request there once more on the same connection route before the gateway moves on).
    assertThat(droppingInventory.received())
        .isNotEmpty()
        .extracting(received -> received.getHeader("X-Request-Id"))
        .containsOnly(droppingInventory.received().getFirst().getHeader("X-Request-Id"));
    assertThat(answeringInventory.received()).as("the dropped GET repeated here").hasSize(2);
    assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
  }

  @Test
  void aRequestTheInstanceMayHaveActedOnIsNotRepeated() throws Exception {
    // Round robin: of two requests one goes to each instance, unless the first went to the dropping
    // one, which is then ejected; either way exactly one goes to the dropping instance.
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      responses.add(
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/orders/42/cancel"))
                  .header("Authorization", "Bearer " + issuer.customer("alice"))
                  .POST(BodyPublishers.noBody())
                  .build(),
              BodyHandlers.ofString()));
    }

    assertThat(dropping.received()).hasSize(1);
    assertThat(answering.received()).as("not repeated on the other instance").hasSize(1);
    assertThat(responses).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 503);
    HttpResponse<String> dropped =
        responses.stream().filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
    assertThat(dropped.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(dropped.body())
        .contains("\"type\":\"https://shop.example/problems/service-unavailable\"")
        .contains("order-service is unavailable");
  }
}
