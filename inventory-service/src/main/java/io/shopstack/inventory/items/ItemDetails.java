package io.shopstack.inventory.items;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** An item as a client creates or replaces it; the sku comes from the path. */
record ItemDetails(
    @NotBlank @Size(max = 200) String name,
    @NotNull @Min(0) @Max(StockUpdate.MAX_AVAILABLE) Integer available) {}
