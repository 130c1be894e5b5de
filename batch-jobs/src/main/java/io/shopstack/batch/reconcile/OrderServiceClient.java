package io.shopstack.batch.reconcile;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/** order-service's internal API (docs/services.md), with the timeouts of spring.http.clients. */
@Component
class OrderServiceClient {

  private final RestClient http;

  OrderServiceClient(RestClient.Builder builder, BatchProperties properties) {
    this.http = builder.baseUrl(properties.orderServiceUrl().toString()).build();
  }

  /** PENDING orders created more than {@code olderThan} ago, oldest first. */
  List<Order> pending(Duration olderThan, int limit) {
    return http.get()
        .uri("/internal/orders/pending?olderThan={olderThan}&limit={limit}", olderThan, limit)
        .retrieve()
        .body(new ParameterizedTypeReference<>() {});
  }

  /** Retries the order's reservation; answers the order as it is afterwards. */
  Order reconcile(UUID id) {
    return http.post().uri("/internal/orders/{id}/reconcile", id).retrieve().body(Order.class);
  }

  /** Expires the order if it is still PENDING; answers the order as it is afterwards. */
  Order expire(UUID id) {
    return http.post().uri("/internal/orders/{id}/expire", id).retrieve().body(Order.class);
  }
}
