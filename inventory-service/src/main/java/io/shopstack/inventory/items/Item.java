package io.shopstack.inventory.items;

/** A catalogue item and how many units of it can still be reserved. */
public record Item(String sku, String name, int available) {

  /** What a sku looks like, in paths and bodies alike. */
  public static final String SKU = "[A-Z0-9][A-Z0-9-]{0,63}";
}
