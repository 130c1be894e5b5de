package io.shopstack.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A stand-in for auth-server in a service's own tests: an RSA key, its JWK set served on 127.0.0.1
 * at {@code /oauth2/jwks} (where the services fetch auth-server's), and access tokens shaped like
 * auth-server's (issuer, audience, {@code scope}, {@code roles}) signed with it, or broken in one
 * way on purpose. The services validate them with their real configuration; only who signs differs.
 * The whole stack's tests use the real auth-server instead.
 */
public final class TestIssuer implements AutoCloseable {

  /** Every service a shopper's token is for, as auth-server's shop-cli client gives it. */
  public static final List<String> SHOPPER_AUDIENCE =
      List.of("gateway", "order-service", "inventory-service");

  /** A machine client the token endpoint knows, as auth-server's registrations say. */
  private record Client(String secret, String scope, List<String> audience) {}

  private final RSAKey key;
  private final HttpServer server;
  private final String issuer;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();
  private final AtomicInteger tokensIssued = new AtomicInteger();

  private TestIssuer(RSAKey key, HttpServer server) {
    this.key = key;
    this.server = server;
    this.issuer = null;
    server.createContext("/oauth2/token", this::token);
  }

  private TestIssuer(RSAKey key, String issuer) {
    this.key = key;
    this.server = null;
    this.issuer = issuer;
  }

  /**
   * Tokens signed with a real auth-server's key (read from the file its Secret or the launcher
   * gives it) under its key id, so that a stack test can send a token that is right in every way
   * but one (expired, another audience, another issuer), which auth-server itself never issues.
   * Nothing is served.
   */
  public static TestIssuer signingWith(String privateKeyPem, String issuer) {
    try {
      java.security.interfaces.RSAPrivateCrtKey privateKey =
          (java.security.interfaces.RSAPrivateCrtKey)
              java.security.KeyFactory.getInstance("RSA")
                  .generatePrivate(
                      new java.security.spec.PKCS8EncodedKeySpec(
                          Base64.getMimeDecoder()
                              .decode(privateKeyPem.replaceAll("-----[A-Z ]+-----", "").strip())));
      java.security.interfaces.RSAPublicKey publicKey =
          (java.security.interfaces.RSAPublicKey)
              java.security.KeyFactory.getInstance("RSA")
                  .generatePublic(
                      new java.security.spec.RSAPublicKeySpec(
                          privateKey.getModulus(), privateKey.getPublicExponent()));
      RSAKey key =
          new RSAKey.Builder(publicKey)
              .privateKey(privateKey)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .keyIDFromThumbprint()
              .build();
      return new TestIssuer(key, issuer);
    } catch (java.security.GeneralSecurityException | JOSEException e) {
      throw new IllegalArgumentException("Not an RSA private key in PKCS#8 PEM", e);
    }
  }

  /**
   * Lets a machine client get tokens from {@code /oauth2/token} (client credentials, HTTP Basic),
   * with this scope and audience, as auth-server's registration of it does. Wrong credentials are a
   * 401 {@code invalid_client}, another scope a 400 {@code invalid_scope}, as auth-server answers.
   */
  public TestIssuer acceptClient(String clientId, String secret, String scope, String... audience) {
    clients.put(clientId, new Client(secret, scope, List.of(audience)));
    return this;
  }

  /** How many tokens the token endpoint has issued so far. */
  public int tokensIssued() {
    return tokensIssued.get();
  }

  private void token(HttpExchange exchange) throws IOException {
    String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> fields = new HashMap<>();
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        fields.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    String[] credentials = {"", ""};
    if (authorization != null && authorization.startsWith("Basic ")) {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      credentials =
          new String[] {
            URLDecoder.decode(decoded.substring(0, Math.max(colon, 0)), StandardCharsets.UTF_8),
            URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
          };
    }
    Client client = clients.get(credentials[0]);
    if (!"client_credentials".equals(fields.get("grant_type"))) {
      answer(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
    } else if (client == null || !client.secret().equals(credentials[1])) {
      answer(exchange, 401, "{\"error\":\"invalid_client\"}");
    } else if (fields.containsKey("scope") && !client.scope().equals(fields.get("scope"))) {
      answer(exchange, 400, "{\"error\":\"invalid_scope\"}");
    } else {
      tokensIssued.incrementAndGet();
      String token =
          token()
              .subject(credentials[0])
              .scopes(client.scope())
              .roles()
              .audience(client.audience().toArray(String[]::new))
              .sign();
      answer(
          exchange,
          200,
          "{\"access_token\":\""
              + token
              + "\",\"token_type\":\"Bearer\",\"expires_in\":299,\"scope\":\""
              + client.scope()
              + "\"}");
    }
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Starts the JWK set endpoint on a free loopback port; stop it with {@link #close}. */
  public static TestIssuer start() {
    try {
      RSAKey key = newKey();
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      byte[] jwks = new JWKSet(key).toString().getBytes(StandardCharsets.UTF_8);
      server.createContext(
          "/oauth2/jwks",
          exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream body = exchange.getResponseBody()) {
              body.write(jwks);
            }
          });
      server.start();
      return new TestIssuer(key, server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the services look for the issuer (shop.auth.url), also its issuer name. */
  public String url() {
    return server == null ? issuer : "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Points a Spring test's service at this issuer. */
  public void register(DynamicPropertyRegistry registry) {
    registry.add("shop.auth.url", this::url);
    registry.add("shop.auth.issuer", this::url);
  }

  /** A shopper's access token, as auth-server issues it to shop-cli for a customer. */
  public String customer(String name) {
    return token().subject(name).scopes("orders").roles("customer").sign();
  }

  /** An operator's access token, as auth-server issues it to shop-cli for an operator. */
  public String operator(String name) {
    return token().subject(name).scopes("orders").roles("operator").sign();
  }

  /** A machine's access token (client credentials): its scopes, for the given audience. */
  public String service(String clientId, String scope, String... audience) {
    return token().subject(clientId).scopes(scope).audience(audience).sign();
  }

  /**
   * One token broken in each way a resource server must refuse with 401, by what is wrong with it:
   * expired, signed by another key, another issuer, for {@code otherService} only, {@code alg:
   * none}, HS256 with the public key as the secret, not a JWT at all.
   */
  public Map<String, String> badTokens(String otherService) {
    Map<String, String> tokens = new java.util.LinkedHashMap<>();
    tokens.put("expired", token().expiresAt(Instant.now().minusSeconds(120)).sign());
    tokens.put("signed by another key", token().signedByAnotherKey().sign());
    tokens.put("another issuer", token().issuer("https://evil.example").sign());
    tokens.put("for " + otherService + " only", token().audience(otherService).sign());
    tokens.put("alg none", token().unsigned());
    tokens.put("HS256 with the public key", token().hmacWithPublicKey());
    tokens.put("not a JWT", "x.y.z");
    return tokens;
  }

  /** A token to shape: by default a shopper's, valid for 5 minutes. */
  public Token token() {
    return new Token();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** One access token being built; each setter changes one claim or how it is signed. */
  public final class Token {
    private String subject = "alice";
    private String issuer = url();
    private List<String> audience = SHOPPER_AUDIENCE;
    private List<String> scopes = List.of("orders");
    private List<String> roles = List.of("customer");
    private Instant expiresAt = Instant.now().plus(Duration.ofMinutes(5));
    private RSAKey signingKey = key;

    public Token subject(String subject) {
      this.subject = subject;
      return this;
    }

    public Token issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    public Token audience(String... audience) {
      this.audience = List.of(audience);
      return this;
    }

    public Token scopes(String... scopes) {
      this.scopes = List.of(scopes);
      return this;
    }

    public Token roles(String... roles) {
      this.roles = List.of(roles);
      return this;
    }

    public Token expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    /** Signed with a key of the same id that the JWK set does not have (a forged signature). */
    public Token signedByAnotherKey() {
      RSAKey other = newKey();
      try {
        this.signingKey =
            new RSAKey.Builder(other.toRSAPublicKey())
                .privateKey(other.toRSAPrivateKey())
                .keyID(key.getKeyID())
                .build();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      return this;
    }

    private JWTClaimsSet claims() {
      // Issued before it expires, even for a token made to be expired already.
      Instant now = Instant.now().isBefore(expiresAt) ? Instant.now() : expiresAt.minusSeconds(600);
      JWTClaimsSet.Builder claims =
          new JWTClaimsSet.Builder()
              .subject(subject)
              .issuer(issuer)
              .audience(new ArrayList<>(audience))
              .issueTime(Date.from(now.minusSeconds(1)))
              .notBeforeTime(Date.from(now.minusSeconds(1)))
              .expirationTime(Date.from(expiresAt))
              .jwtID(UUID.randomUUID().toString())
              // A JSON array, as auth-server writes it.
              .claim("scope", new ArrayList<>(scopes));
      if (!roles.isEmpty()) {
        claims.claim("roles", new ArrayList<>(roles));
      }
      return claims.build();
    }

    /** RS256 with the issuer's key (or the one {@link #signedByAnotherKey} chose). */
    public String sign() {
      try {
        SignedJWT jwt =
            new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID(signingKey.getKeyID())
                    .type(JOSEObjectType.JWT)
                    .build(),
                claims());
        jwt.sign(new RSASSASigner(signingKey));
        return jwt.serialize();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Not signed at all: {@code alg: none}. */
    public String unsigned() {
      return new PlainJWT(claims()).serialize();
    }

    /**
     * HS256 with the issuer's public key as the HMAC secret: the algorithm-confusion attack on a
     * verifier that lets the token choose its algorithm.
     */
    public String hmacWithPublicKey() {
      try {
        SignedJWT jwt =
            new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims());
        jwt.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
        return jwt.serialize();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256)
          .keyID(UUID.randomUUID().toString())
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
