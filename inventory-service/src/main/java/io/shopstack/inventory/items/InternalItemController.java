package io.shopstack.inventory.items;

import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stock administration, outside {@code /api}: the gateway routes only {@code /api/**}, so this is
 * reachable inside the cluster only, by the pods the network policies let in (docs/services.md).
 * Both calls are PUTs to a resource the caller names, so repeating one changes nothing.
 */
@RestController
@RequestMapping("/internal/inventory/items")
class InternalItemController {

  private final ItemRepository items;
  private final StockAdjustments adjustments;

  @Autowired // see docs/observability.md, "Controllers and the agent"
  InternalItemController(ItemRepository items, StockAdjustments adjustments) {
    this.items = items;
    this.adjustments = adjustments;
  }

  /** Creates the item (without stock) or renames it. */
  @PutMapping(path = "/{sku}", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Item> save(@PathVariable String sku, @Valid @RequestBody ItemDetails details) {
    boolean created = items.save(ItemController.checked(sku), details.name());
    Item item = items.find(sku).orElseThrow();
    return created
        ? ResponseEntity.created(URI.create("/api/inventory/items/" + sku)).body(item)
        : ResponseEntity.ok(item);
  }

  /**
   * Adds to or takes from the stock, once per adjustment id: 201 when this request applied it, 200
   * for a repeat.
   */
  @PutMapping(path = "/{sku}/adjustments/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<AppliedAdjustment> adjust(
      @PathVariable String sku,
      @PathVariable UUID id,
      @Valid @RequestBody StockAdjustment adjustment) {
    if (adjustment.change() == 0) {
      throw ItemProblems.invalid("The request has invalid fields.", "change", "must not be 0");
    }
    StockAdjustments.Outcome outcome =
        adjustments.apply(id, ItemController.checked(sku), adjustment.change());
    return outcome.applied()
        ? ResponseEntity.created(
                URI.create("/internal/inventory/items/" + sku + "/adjustments/" + id))
            .body(outcome.adjustment())
        : ResponseEntity.ok(outcome.adjustment());
  }
}
