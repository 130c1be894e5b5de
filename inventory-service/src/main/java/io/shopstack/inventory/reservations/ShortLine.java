package io.shopstack.inventory.reservations;

/** A line that could not be served: what was asked for and what the stock was at that moment. */
public record ShortLine(String sku, int requested, int available) {}
