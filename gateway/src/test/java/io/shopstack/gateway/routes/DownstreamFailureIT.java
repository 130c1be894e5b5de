package io.shopstack.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.testsupport.TestIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway when a service cannot be reached: order-service is registered in discovery but its
 * only instance has stopped (connection refused), inventory-service has no instance at all. Both
 * give the client a 503 problem that names the service and reveals nothing else.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")
class DownstreamFailureIT {

  static final String stoppedOrderService = ServiceInstance.stoppedUri();

  static final HttpClient http = HttpClient.newHttpClient();
  static final TestIssuer issuer = TestIssuer.start();
  static final JsonMapper json = JsonMapper.builder().build();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void discovery(DynamicPropertyRegistry registry) {
    issuer.register(registry);
    registry.add(
        "spring.cloud.discovery.client.simple.instances.order-service[0].uri",
        () -> stoppedOrderService);
  }

  @Test
  void stoppedServiceGivesServiceUnavailableProblem() throws Exception {
    HttpResponse<String> response = get("/api/orders/42");

    assertServiceUnavailable(response, "order-service", "/api/orders/42");
  }

  @Test
  void serviceWithoutInstanceGivesServiceUnavailableProblem() throws Exception {
    HttpResponse<String> response = get("/api/inventory/items");

    assertServiceUnavailable(response, "inventory-service", "/api/inventory/items");
  }

  private static void assertServiceUnavailable(
      HttpResponse<String> response, String service, String path) {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.propertyNames())
        .containsExactlyInAnyOrder("type", "title", "status", "detail", "instance", "requestId");
    assertThat(problem.path("type").asString())
        .isEqualTo("https://shop.example/problems/service-unavailable");
    assertThat(problem.path("title").asString()).isEqualTo("Service unavailable");
    assertThat(problem.path("status").asInt()).isEqualTo(503);
    assertThat(problem.path("detail").asString())
        .isEqualTo(service + " is unavailable; try again later.");
    assertThat(problem.path("instance").asString()).isEqualTo(path);
    assertThat(problem.path("requestId").asString())
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + issuer.customer("alice"))
            .build(),
        BodyHandlers.ofString());
  }
}
