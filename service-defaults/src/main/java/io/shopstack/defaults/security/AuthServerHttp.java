package io.shopstack.defaults.security;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * How a service talks to auth-server (its JWK set, its token endpoint): the JDK's HTTP client with
 * a 2 s connect and a 5 s read timeout. An auth-server that does not answer then fails a request
 * (401, or an order left PENDING) within seconds instead of holding it, and every request queued
 * behind it, indefinitely.
 */
public final class AuthServerHttp {

  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private AuthServerHttp() {}

  public static ClientHttpRequestFactory requestFactory() {
    JdkClientHttpRequestFactory factory =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build());
    factory.setReadTimeout(READ_TIMEOUT);
    return factory;
  }
}
