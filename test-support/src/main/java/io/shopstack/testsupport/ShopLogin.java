package io.shopstack.testsupport;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Gets access tokens from auth-server the way its real clients do: a person through the
 * authorization-code grant with PKCE (the login form filled in as a browser would, as {@code
 * shop-token.sh} does with curl), a machine through the client-credentials grant. For the stack's
 * tests, the load test and the benchmark.
 */
public final class ShopLogin {

  /** auth-server's public client for people (its application.yaml). */
  public static final String CLIENT_ID = "shop-cli";

  public static final String REDIRECT_URI = "http://127.0.0.1:8976/callback";

  private static final Pattern CSRF =
      Pattern.compile(
          "<input[^>]*name=\"_csrf\"[^>]*value=\"([^\"]+)\"|<input[^>]*value=\"([^\"]+)\"[^>]*name=\"_csrf\"");
  private static final SecureRandom random = new SecureRandom();

  /** An access token and when it expires. */
  public record AccessToken(String value, Instant expiresAt) {
    /** Whether it is still good for at least {@code margin}. */
    public boolean validFor(Duration margin) {
      return Instant.now().plus(margin).isBefore(expiresAt);
    }

    @Override
    public String toString() {
      return "AccessToken[expiresAt=" + expiresAt + "]"; // never the token itself
    }
  }

  private final URI auth;

  /**
   * @param authUrl where auth-server answers, for example {@code http://127.0.0.1:9000}
   */
  public ShopLogin(String authUrl) {
    this.auth = URI.create(authUrl.endsWith("/") ? authUrl : authUrl + "/");
  }

  /**
   * Logs a person in (authorization code with PKCE, scope {@code orders}) and answers their access
   * token.
   *
   * @throws IllegalStateException when the login is refused or the server answers otherwise than
   *     the protocol says
   */
  public AccessToken login(String user, String password) {
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String verifier = randomString(48);
    String state = randomString(16);
    Map<String, String> authorize = new LinkedHashMap<>();
    authorize.put("response_type", "code");
    authorize.put("client_id", CLIENT_ID);
    authorize.put("redirect_uri", REDIRECT_URI);
    authorize.put("scope", "orders");
    authorize.put("state", state);
    authorize.put("code_challenge", challenge(verifier));
    authorize.put("code_challenge_method", "S256");
    HttpResponse<String> toLogin =
        send(browser, get(auth.resolve("oauth2/authorize?" + form(authorize))));
    expectRedirect(toLogin, "the authorization request");
    HttpResponse<String> loginPage = send(browser, get(auth.resolve("login")));
    Matcher csrf = CSRF.matcher(loginPage.body());
    if (loginPage.statusCode() != 200 || !csrf.find()) {
      throw new IllegalStateException(
          "auth-server's login page answered " + loginPage.statusCode() + " without a CSRF token");
    }
    HttpResponse<String> loggedIn =
        send(
            browser,
            post(
                auth.resolve("login"),
                Map.of(
                    "username",
                    user,
                    "password",
                    password,
                    "_csrf",
                    csrf.group(1) != null ? csrf.group(1) : csrf.group(2))));
    String back = expectRedirect(loggedIn, "the login");
    if (back.contains("error")) {
      throw new IllegalStateException("auth-server refused the login of " + user);
    }
    HttpResponse<String> withCode = send(browser, get(auth.resolve(back)));
    String callback = expectRedirect(withCode, "the authorization after login");
    Map<String, String> answer = query(URI.create(callback));
    if (!REDIRECT_URI.equals(callback.substring(0, callback.indexOf('?')))
        || !state.equals(answer.get("state"))
        || answer.get("code") == null) {
      throw new IllegalStateException(
          "auth-server redirected to another place or without the code: "
              + callback.replaceAll("code=[^&]*", "code=..."));
    }
    return token(
        browser,
        Map.of(
            "grant_type", "authorization_code",
            "code", answer.get("code"),
            "redirect_uri", REDIRECT_URI,
            "client_id", CLIENT_ID,
            "code_verifier", verifier),
        null);
  }

  /** A machine's access token (client credentials, HTTP Basic client authentication). */
  public AccessToken clientCredentials(String clientId, String secret, String scope) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return token(
        http,
        Map.of("grant_type", "client_credentials", "scope", scope),
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (encode(clientId) + ":" + encode(secret)).getBytes(StandardCharsets.UTF_8)));
  }

  private AccessToken token(HttpClient http, Map<String, String> form, String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(auth.resolve("oauth2/token"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(form)));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response = send(http, request.build());
    try {
      Map<String, Object> body = JSONObjectUtils.parse(response.body());
      if (response.statusCode() != 200 || !(body.get("access_token") instanceof String value)) {
        throw new IllegalStateException(
            "auth-server's token endpoint answered "
                + response.statusCode()
                + " "
                + body.getOrDefault("error", "without an access token"));
      }
      long seconds = ((Number) body.getOrDefault("expires_in", 60)).longValue();
      return new AccessToken(value, Instant.now().plusSeconds(seconds));
    } catch (ParseException e) {
      throw new IllegalStateException(
          "auth-server's token endpoint answered " + response.statusCode() + " without JSON");
    }
  }

  private static String expectRedirect(HttpResponse<String> response, String step) {
    if (response.statusCode() / 100 != 3 || response.headers().firstValue("Location").isEmpty()) {
      throw new IllegalStateException(
          "auth-server answered " + response.statusCode() + " to " + step + ", not a redirect");
    }
    return response.headers().firstValue("Location").orElseThrow();
  }

  private static HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
  }

  private static HttpRequest post(URI uri, Map<String, String> form) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(form)))
        .build();
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        fields.put(
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return fields;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String randomString(int bytes) {
    byte[] data = new byte[bytes];
    random.nextBytes(data);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(data);
  }

  private static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
