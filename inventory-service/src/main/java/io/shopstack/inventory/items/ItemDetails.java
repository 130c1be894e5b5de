package io.shopstack.inventory.items;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * An item as an operator creates or renames it; the sku comes from the path. Stock is not part of
 * it: a new item has none, and stock changes only by {@link StockAdjustment}s.
 */
record ItemDetails(@NotBlank @Size(max = 200) String name) {}
