package io.shopstack.inventory.reservations;

import io.shopstack.inventory.items.Item;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** A sku and how many units of it an order holds. */
public record ReservationLine(
    @NotNull @Pattern(regexp = Item.SKU) String sku,
    @NotNull @Min(1) @Max(10_000) Integer quantity) {}
