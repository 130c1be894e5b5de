package io.shopstack.order.inventory;

/** A line inventory could not serve: what the order asked for and the stock it saw. */
public record Shortage(String sku, int requested, int available) {}
