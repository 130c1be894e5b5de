package io.shopstack.gateway.routes;

import org.apache.hc.core5.util.TimeValue;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The HTTP client the routes forward with: Apache HttpClient 5 (chosen by {@code
 * spring.http.clients.imperative.factory=http-components}), with its connection pool sized for a
 * gateway.
 *
 * <p>Why not the JDK's client, Spring Boot's default: it is asynchronous inside (a selector thread
 * and completion stages per exchange), while the gateway calls it from a request thread that waits
 * for the answer anyway. HttpClient 5's classic API does the exchange on the calling thread, and
 * the gateway needs less CPU per proxied request with it (the benchmark's figures are in
 * docs/performance.md).
 */
@Configuration(proxyBeanMethods = false)
class ServiceClient {

  /**
   * HttpClient 5 allows 5 connections per instance and 25 in all by default, which would queue
   * requests inside the gateway long before a service is busy. Every request in flight may hold one
   * connection; these limits are far above what one gateway pod serves (a few hundred in flight).
   */
  static final int MAX_CONNECTIONS_PER_INSTANCE = 512;

  static final int MAX_CONNECTIONS = 2048;

  @Bean
  ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder>
      serviceConnectionPool() {
    return builder ->
        builder
            .withConnectionManagerCustomizer(
                pool ->
                    pool.setMaxConnPerRoute(MAX_CONNECTIONS_PER_INSTANCE)
                        .setMaxConnTotal(MAX_CONNECTIONS))
            // A pooled connection idle for a second is checked before use: an instance that
            // stopped (rolling update) has closed it, and the request then gets a fresh one
            // instead of failing on the dead socket.
            .withConnectionConfigCustomizer(
                connection -> connection.setValidateAfterInactivity(TimeValue.ofSeconds(1)));
  }
}
