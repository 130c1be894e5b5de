package io.shopstack.inventory.items;

import java.util.UUID;

/** An adjustment as it was applied, with the item's stock right after this request. */
public record AppliedAdjustment(UUID id, String sku, int change, int available) {}
