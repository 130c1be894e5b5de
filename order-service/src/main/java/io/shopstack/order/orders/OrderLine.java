package io.shopstack.order.orders;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * One sku and how many of it. The upper bound of the quantity is a setting ({@code
 * shop.orders.max-quantity-per-line}), checked by {@link PlaceOrderRequest#violations}.
 */
public record OrderLine(
    @NotNull @Pattern(regexp = "[A-Z0-9][A-Z0-9-]{0,63}") String sku,
    @NotNull @Min(1) Integer quantity) {}
