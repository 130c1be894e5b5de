package io.shopstack.inventory.items;

import java.util.List;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public catalogue: what a customer may do with items is read them. Creating items and changing
 * stock is an operator's business ({@link InternalItemController}).
 */
@RestController
@RequestMapping("/api/inventory/items")
class ItemController {

  private static final Pattern SKU = Pattern.compile(Item.SKU);

  private final ItemRepository items;

  @Autowired // see docs/observability.md, "Controllers and the agent"
  ItemController(ItemRepository items) {
    this.items = items;
  }

  @GetMapping
  List<Item> list() {
    return items.findAll();
  }

  @GetMapping("/{sku}")
  Item get(@PathVariable String sku) {
    return items.find(checked(sku)).orElseThrow(() -> ItemProblems.notFound(sku));
  }

  // Checked by hand rather than with @Pattern: a constraint on a path variable switches the whole
  // method to method validation, whose errors would name the body parameter instead of its fields.
  static String checked(String sku) {
    if (SKU.matcher(sku).matches()) {
      return sku;
    }
    throw ItemProblems.invalidSku();
  }
}
