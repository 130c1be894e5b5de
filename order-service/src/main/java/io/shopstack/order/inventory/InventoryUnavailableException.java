package io.shopstack.order.inventory;

import java.util.UUID;

/**
 * Inventory could not be asked to release an order's stock, or its answer did not come: it may or
 * may not have released. The caller keeps the order in its recorded intent (CANCELLING, EXPIRING)
 * and tries again later; never shown to a client.
 */
public class InventoryUnavailableException extends RuntimeException {

  public InventoryUnavailableException(UUID orderId, Throwable cause) {
    super("inventory-service did not confirm the release of order " + orderId, cause);
  }
}
