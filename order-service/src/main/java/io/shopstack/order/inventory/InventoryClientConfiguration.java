package io.shopstack.order.inventory;

import io.shopstack.defaults.client.ServiceCredentials;
import java.net.http.HttpClient;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.restclient.autoconfigure.RestClientBuilderConfigurer;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * The HTTP client for inventory-service: {@code http://inventory-service} is a service name that
 * Spring Cloud LoadBalancer resolves through discovery on every call (the simple discovery client
 * locally, Kubernetes Services in a cluster).
 *
 * <p>Built on what Boot gives its own {@code RestClient.Builder}: the {@code RestClientCustomizer}s
 * (metrics and traces, service-defaults' tolerant reading of answers) and the {@code
 * spring.http.clients.*} settings, with the timeouts of {@link InventoryProperties}, on the JDK's
 * client over HTTP/1.1. Every call carries order-service's own access token (client credentials,
 * scope {@code inventory:reserve}): inventory-service accepts reservations only from a caller that
 * has it.
 */
@Configuration(proxyBeanMethods = false)
class InventoryClientConfiguration {

  @Bean
  @LoadBalanced
  RestClient.Builder inventoryRestClientBuilder(
      RestClientBuilderConfigurer boot,
      HttpClientSettings settings,
      InventoryProperties properties,
      ServiceCredentials credentials) {
    HttpClientSettings inventory =
        settings.withTimeouts(properties.connectTimeout(), properties.readTimeout());
    return boot.configure(RestClient.builder())
        .requestFactory(
            ClientHttpRequestFactoryBuilder.jdk()
                .withHttpClientCustomizer(http -> http.version(HttpClient.Version.HTTP_1_1))
                .build(inventory))
        .requestInterceptor(credentials)
        .baseUrl("http://inventory-service");
  }
}
