package io.shopstack.order.inventory;

import java.net.http.HttpClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The HTTP client for inventory-service: {@code http://inventory-service} is a service name that
 * Spring Cloud LoadBalancer resolves through discovery on every call (the simple discovery client
 * locally, Kubernetes Services in a cluster).
 */
@Configuration(proxyBeanMethods = false)
class InventoryClientConfiguration {

  @Bean
  @LoadBalanced
  RestClient.Builder inventoryRestClientBuilder(InventoryProperties properties) {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(properties.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
    requests.setReadTimeout(properties.readTimeout());
    return RestClient.builder().requestFactory(requests).baseUrl("http://inventory-service");
  }
}
