package io.shopstack.order.orders;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The API the batch job settles PENDING orders with. Deliberately outside {@code /api}: the gateway
 * routes only {@code /api/**}, so this is reachable inside the cluster only.
 */
@RestController
@RequestMapping("/internal/orders")
class InternalOrderController {

  private final OrderLifecycle lifecycle;
  private final OrderRepository orders;

  @Autowired // see docs/observability.md, "Controllers and the agent"
  InternalOrderController(OrderLifecycle lifecycle, OrderRepository orders) {
    this.lifecycle = lifecycle;
    this.orders = orders;
  }

  /** PENDING orders created at least {@code olderThan} (ISO-8601, e.g. PT1M) ago, oldest first. */
  @GetMapping("/pending")
  List<Order> pending(
      @RequestParam(defaultValue = "PT1M") @DurationMin Duration olderThan,
      @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
    return orders.pendingOlderThan(olderThan, limit);
  }

  @PostMapping("/{id}/reconcile")
  Order reconcile(@PathVariable UUID id) {
    return lifecycle.reconcile(id);
  }

  @PostMapping("/{id}/expire")
  Order expire(@PathVariable UUID id) {
    return lifecycle.expire(id);
  }
}
