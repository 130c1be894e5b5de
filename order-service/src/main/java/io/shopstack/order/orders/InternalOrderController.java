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
 * The API the batch job settles orders with: the ones due, and what is due for each. Deliberately
 * outside {@code /api}: the gateway routes only {@code /api/**}, so this is reachable inside the
 * cluster only.
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

  /**
   * The orders the batch job has work for (see {@link OrderRepository#due}), oldest first; {@code
   * after} is the id of the last order of the previous page.
   */
  @GetMapping("/due")
  List<Order> due(
      @RequestParam(defaultValue = "PT1M") @DurationMin Duration reconcileAfter,
      @RequestParam(required = false) UUID after,
      @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
    return orders.due(reconcileAfter, after, limit);
  }

  /**
   * Does what is due for the order (see {@link OrderLifecycle#settleDue}) and answers it as it is
   * afterwards: still PENDING, CANCELLING or EXPIRING when inventory could not be reached.
   */
  @PostMapping("/{id}/settle")
  Order settle(
      @PathVariable UUID id,
      @RequestParam(defaultValue = "PT30M") @DurationMin Duration expireAfter) {
    return lifecycle.settleDue(id, expireAfter);
  }
}
