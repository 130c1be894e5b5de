package io.shopstack.batch.reconcile;

import io.shopstack.defaults.client.ServiceCredentials;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * order-service's internal API (docs/services.md), with the timeouts of spring.http.clients, as the
 * batch job itself (its client-credentials token, scope {@code orders:settle}).
 */
@Component
class OrderServiceClient {

  private final RestClient http;

  OrderServiceClient(
      RestClient.Builder builder, BatchProperties properties, ServiceCredentials credentials) {
    this.http =
        builder
            .baseUrl(properties.orderServiceUrl().toString())
            .requestInterceptor(credentials)
            .build();
  }

  /**
   * A page of the orders order-service has work for, oldest first: PENDING ones created at least
   * {@code reconcileAfter} ago (by its database's clock) and every CANCELLING or EXPIRING one.
   *
   * @param after the last order of the previous page, null for the first
   */
  List<Order> due(Duration reconcileAfter, UUID after, int limit) {
    return http.get()
        .uri(
            uri ->
                uri.path("/internal/orders/due")
                    .queryParam("reconcileAfter", reconcileAfter)
                    .queryParam("limit", limit)
                    .queryParamIfPresent("after", java.util.Optional.ofNullable(after))
                    .build())
        .retrieve()
        .body(new ParameterizedTypeReference<>() {});
  }

  /**
   * Has order-service do what is due for the order (retry, expire, finish a cancel or an expiry);
   * answers the order as it is afterwards.
   */
  Order settle(UUID id, Duration expireAfter) {
    return http.post()
        .uri(
            uri ->
                uri.path("/internal/orders/{id}/settle")
                    .queryParam("expireAfter", expireAfter)
                    .build(id))
        .retrieve()
        .body(Order.class);
  }
}
