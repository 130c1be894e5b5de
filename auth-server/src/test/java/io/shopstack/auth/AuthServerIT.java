package io.shopstack.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.shopstack.testsupport.ShopLogin;
import io.shopstack.testsupport.ShopLogin.AccessToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * auth-server on a loopback port with its real configuration and secrets as the Secret gives them:
 * a person logs in with the authorization-code grant and PKCE as shop-token.sh does, machines use
 * client credentials, and every token says what the services check (issuer, audience, scope, role),
 * signed with the shared key. The issuer is the configured one whatever host the request used, so a
 * token fetched through a port-forward validates in the cluster.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "shop.auth.issuer=" + AuthServerIT.ISSUER,
      "shop.auth.users.alice.password=" + AuthServerIT.ALICE_PASSWORD,
      "shop.auth.users.bob.password=demo-bob",
      "shop.auth.users.oscar.password=demo-oscar",
      "shop.auth.clients.batch-jobs.secret=" + AuthServerIT.BATCH_SECRET,
      "shop.auth.clients.order-service.secret=demo-order-service",
    })
@ExtendWith(OutputCaptureExtension.class)
class AuthServerIT {

  static final String ISSUER = "http://auth-server:9000";
  static final String ALICE_PASSWORD = "demo-alice-Pa55word";
  static final String BATCH_SECRET = "demo-batch-S3cret";
  private static final KeyPair KEY = TestKeys.generate(2048);
  private static final KeyPair NEXT = TestKeys.generate(2048);
  private static final JsonMapper json = JsonMapper.builder().build();

  @DynamicPropertySource
  static void keys(DynamicPropertyRegistry registry) {
    registry.add("shop.auth.signing-key", () -> TestKeys.privatePem(KEY));
    registry.add("shop.auth.verification-keys", () -> TestKeys.publicPem(NEXT));
  }

  @LocalServerPort int port;
  private ShopLogin login;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void client() {
    login = new ShopLogin("http://127.0.0.1:" + port);
  }

  @Test
  void discoveryNamesTheConfiguredIssuerWhateverHostWasAsked() throws Exception {
    JsonNode discovery = getJson("/.well-known/openid-configuration");

    assertThat(discovery.get("issuer").asString()).isEqualTo(ISSUER);
    assertThat(discovery.get("jwks_uri").asString()).isEqualTo(ISSUER + "/oauth2/jwks");
    assertThat(discovery.get("code_challenge_methods_supported").toString()).contains("S256");
  }

  @Test
  void aCustomersTokenIsForTheShopsServicesWithTheirRole(CapturedOutput output) throws Exception {
    AccessToken token = login.login("alice", ALICE_PASSWORD);
    SignedJWT jwt = verified(token);

    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(ISSUER);
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
    assertThat(jwt.getJWTClaimsSet().getAudience())
        .containsExactlyInAnyOrder("gateway", "order-service", "inventory-service");
    assertThat(jwt.getJWTClaimsSet().getStringListClaim("scope")).containsExactly("orders");
    assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).containsExactly("customer");
    assertThat(token.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(29 * 60));
    // Neither the password nor the token reaches the log.
    assertThat(output.getAll()).doesNotContain(ALICE_PASSWORD).doesNotContain(token.value());
  }

  @Test
  void anOperatorsTokenSaysOperator() throws Exception {
    SignedJWT jwt = verified(login.login("oscar", "demo-oscar"));

    assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).containsExactly("operator");
  }

  @Test
  void aWrongPasswordGetsNoToken() {
    assertThatThrownBy(() -> login.login("alice", "not-her-password"))
        .hasMessageContaining("refused the login of alice");
    assertThatThrownBy(() -> login.login("mallory", "anything"))
        .hasMessageContaining("refused the login of mallory");
  }

  @Test
  void theCodeNeedsPkce() throws Exception {
    // Without code_challenge the public client is refused before any login.
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base()
                            + "/oauth2/authorize?response_type=code&client_id=shop-cli&scope=orders"
                            + "&redirect_uri="
                            + ShopLogin.REDIRECT_URI))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isIn(302, 400);
    assertThat(answer.headers().firstValue("Location").orElse(answer.body()))
        .contains("invalid_request")
        .contains("code_challenge");
  }

  @Test
  void aMachineGetsItsOwnScopeAndAudienceOnly(CapturedOutput output) throws Exception {
    AccessToken token = login.clientCredentials("batch-jobs", BATCH_SECRET, "orders:settle");
    SignedJWT jwt = verified(token);

    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("batch-jobs");
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("order-service");
    assertThat(jwt.getJWTClaimsSet().getStringListClaim("scope")).containsExactly("orders:settle");
    assertThat(jwt.getJWTClaimsSet().getClaim("roles")).isNull();
    assertThatThrownBy(() -> login.clientCredentials("batch-jobs", "wrong", "orders:settle"))
        .hasMessageContaining("401");
    assertThatThrownBy(() -> login.clientCredentials("batch-jobs", BATCH_SECRET, "orders"))
        .hasMessageContaining("invalid_scope");
    assertThat(output.getAll()).doesNotContain(BATCH_SECRET).doesNotContain(token.value());
  }

  @Test
  void theJwkSetPublishesTheSigningAndTheNextKeyWithoutPrivateParts() throws Exception {
    String body = get("/oauth2/jwks").body();
    JWKSet set = JWKSet.parse(body);

    assertThat(set.getKeys()).hasSize(2);
    assertThat(set.getKeys()).noneMatch(key -> key.isPrivate());
    assertThat(body).doesNotContain("\"d\"");
    java.util.List<java.security.PublicKey> published = new java.util.ArrayList<>();
    for (var key : set.getKeys()) {
      published.add(((RSAKey) key).toRSAPublicKey());
    }
    assertThat(published).contains(NEXT.getPublic(), KEY.getPublic());
  }

  @Test
  void theActuatorAnswersWithoutLoginButNothingElseDoes() throws Exception {
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    HttpResponse<String> other = get("/anything");
    assertThat(other.statusCode()).isIn(302, 401);
  }

  /** The token's signature checked against the published JWK set, by the key id it names. */
  private SignedJWT verified(AccessToken token) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token.value());
    JWKSet set = JWKSet.parse(get("/oauth2/jwks").body());
    RSAKey key = (RSAKey) set.getKeyByKeyId(jwt.getHeader().getKeyID());
    assertThat(key).as("the JWK set has the token's key id").isNotNull();
    assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
    assertThat(key.toRSAPublicKey()).isEqualTo(KEY.getPublic());
    return jwt;
  }

  private JsonNode getJson(String path) throws Exception {
    return json.readTree(get(path).body());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }
}
