package io.shopstack.gateway.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.shopstack.testsupport.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway as the first check of identity, in front of fake services: a request without a valid
 * token for the gateway never reaches a service (401 problem), one without the needed scope or role
 * neither (403 problem); an accepted request reaches the service with the very token the client
 * sent, for the service to check again. The catalogue stays public.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")
@ExtendWith(OutputCaptureExtension.class)
class GatewaySecurityIT {

  static final ServiceInstance orders = ServiceInstance.start("order-service");
  static final ServiceInstance inventory = ServiceInstance.start("inventory-service");
  static final TestIssuer issuer = TestIssuer.start();
  static final HttpClient http = HttpClient.newHttpClient();
  static final JsonMapper json = JsonMapper.builder().build();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void discovery(DynamicPropertyRegistry registry) {
    issuer.register(registry);
    String prefix = "spring.cloud.discovery.client.simple.instances.";
    registry.add(prefix + "order-service[0].uri", orders::uri);
    registry.add(prefix + "inventory-service[0].uri", inventory::uri);
  }

  @AfterEach
  void reset() {
    orders.resetToDefault();
    inventory.resetToDefault();
  }

  @AfterAll
  static void stop() {
    orders.stop();
    inventory.stop();
    issuer.close();
  }

  static Stream<Arguments> badTokens() {
    return issuer.badTokens("order-service").entrySet().stream()
        .map(bad -> Arguments.of(bad.getKey(), bad.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void aBadTokenIsA401ProblemAndReachesNoService(String kind, String token) throws Exception {
    for (String path : List.of("/api/orders", "/api/inventory/items")) {
      HttpResponse<String> response = get(path, token);

      assertThat(response.statusCode()).as(path).isEqualTo(401);
      assertProblem(response, "unauthorized");
      assertThat(response.body()).doesNotContain(token);
    }
    orders.verify(0, anyRequestedFor(anyUrl()));
    inventory.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void ordersNeedAToken() throws Exception {
    HttpResponse<String> response = get("/api/orders", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertProblem(response, "unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer");
    orders.verify(0, anyRequestedFor(anyUrl()));
  }

  /**
   * RFC 9728: the 401 names the gateway's protected-resource metadata, which tells a client where
   * to get a token (the issuer the gateway checks tokens against), without a token.
   */
  @Test
  void aRefusalNamesTheMetadataThatNamesTheAuthorizationServer() throws Exception {
    String challenge =
        get("/api/orders", null).headers().firstValue("WWW-Authenticate").orElseThrow();
    Matcher named = Pattern.compile("resource_metadata=\"([^\"]+)\"").matcher(challenge);
    assertThat(named.find()).as(challenge).isTrue();
    URI metadataUri = URI.create(named.group(1));
    assertThat(metadataUri.getPath()).isEqualTo("/.well-known/oauth-protected-resource");

    HttpResponse<String> response = get(metadataUri.getPath(), null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode metadata = json.readTree(response.body());
    assertThat(metadata.path("resource").asString()).isEqualTo("http://127.0.0.1:" + port);
    assertThat(metadata.path("authorization_servers").valueStream().map(JsonNode::asString))
        .containsExactly(issuer.url());
    assertThat(metadata.path("bearer_methods_supported").valueStream().map(JsonNode::asString))
        .containsExactly("header");
    assertThat(metadata.path("resource_name").asString()).isEqualTo("gateway");
    orders.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void theCatalogueIsPublic() throws Exception {
    assertThat(get("/api/inventory/items", null).statusCode()).isEqualTo(200);
  }

  /** The gateway's access line: what was routed where and how it ended, never the token. */
  @Test
  void logsOneLinePerRoutedRequestWithoutTokenOrQuery(CapturedOutput output) throws Exception {
    String alice = issuer.customer("alice");
    orders.stubFor(any(anyUrl()).willReturn(okJson("{}")));

    assertThat(get("/api/orders?status=PENDING&secret=s3cr3t", alice).statusCode()).isEqualTo(200);

    assertThat(output.getOut())
        .containsPattern("GET /api/orders -> order-service: 200 in [0-9]+ ms")
        .doesNotContain(alice)
        .doesNotContain(alice.substring(alice.lastIndexOf('.') + 1))
        .doesNotContain("s3cr3t");
  }

  @Test
  void theTokenReachesTheServiceUnchanged() throws Exception {
    String alice = issuer.customer("alice");
    orders.stubFor(any(anyUrl()).willReturn(okJson("{}")));

    assertThat(get("/api/orders", alice).statusCode()).isEqualTo(200);

    assertThat(orders.received())
        .singleElement()
        .satisfies(
            received ->
                assertThat(received.getHeader("Authorization")).isEqualTo("Bearer " + alice));
  }

  @Test
  void aTokenWithoutTheOrdersScopeIsA403() throws Exception {
    String noScope = issuer.token().scopes("profile").sign();

    HttpResponse<String> response = get("/api/orders", noScope);

    assertThat(response.statusCode()).isEqualTo(403);
    assertProblem(response, "forbidden");
    orders.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void theOperatorsApiIsA403ForACustomerAndOpenToAnOperator() throws Exception {
    orders.stubFor(any(anyUrl()).willReturn(okJson("{}")));

    HttpResponse<String> customer = get("/api/admin/orders", issuer.customer("alice"));
    assertThat(customer.statusCode()).isEqualTo(403);
    assertProblem(customer, "forbidden");
    orders.verify(0, anyRequestedFor(anyUrl()));

    assertThat(get("/api/admin/orders", issuer.operator("oscar")).statusCode()).isEqualTo(200);
    assertThat(orders.received())
        .singleElement()
        .extracting(LoggedRequest::getUrl)
        .isEqualTo("/api/admin/orders");
  }

  private void assertProblem(HttpResponse<String> response, String type) {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.path("type").asString()).isEqualTo("https://shop.example/problems/" + type);
    assertThat(problem.path("requestId").asString())
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }
}
