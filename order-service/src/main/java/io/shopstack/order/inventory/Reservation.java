package io.shopstack.order.inventory;

import java.util.List;
import java.util.UUID;

/**
 * What an order asks inventory to hold; the body of {@code POST /internal/inventory/reservations}.
 */
public record Reservation(UUID orderId, List<Line> lines) {

  public record Line(String sku, int quantity) {}
}
