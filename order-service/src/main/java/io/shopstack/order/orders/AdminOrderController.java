package io.shopstack.order.orders;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What an operator may do with orders, routed by the gateway: list everyone's. */
@RestController
@RequestMapping("/api/admin/orders")
class AdminOrderController {

  private final OrderRepository orders;

  @Autowired // see docs/observability.md, "Controllers and the agent"
  AdminOrderController(OrderRepository orders) {
    this.orders = orders;
  }

  @GetMapping
  OrderPage list(
      @RequestParam(required = false) OrderStatus status,
      @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size) {
    return orders.page(null, status, page, size);
  }
}
