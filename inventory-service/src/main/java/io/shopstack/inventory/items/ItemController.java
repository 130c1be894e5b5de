package io.shopstack.inventory.items;

import io.shopstack.defaults.web.Problems;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

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
    return items.find(checked(sku)).orElseThrow(() -> notFound(sku));
  }

  @PutMapping(path = "/{sku}", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Item> save(@PathVariable String sku, @Valid @RequestBody ItemDetails details) {
    Item item = new Item(checked(sku), details.name(), details.available());
    return items.save(item)
        ? ResponseEntity.created(URI.create("/api/inventory/items/" + sku)).body(item)
        : ResponseEntity.ok(item);
  }

  @PutMapping(path = "/{sku}/stock", consumes = MediaType.APPLICATION_JSON_VALUE)
  Item setStock(@PathVariable String sku, @Valid @RequestBody StockUpdate update) {
    return items.setStock(checked(sku), update.available()).orElseThrow(() -> notFound(sku));
  }

  // Checked by hand rather than with @Pattern: a constraint on a path variable switches the whole
  // method to method validation, whose errors would name the body parameter instead of its fields.
  private static String checked(String sku) {
    if (SKU.matcher(sku).matches()) {
      return sku;
    }
    ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
    problem.setTitle("Invalid request");
    problem.setDetail("The request has invalid parameters.");
    problem.setProperty(
        "errors", List.of(Map.of("field", "sku", "message", "must match \"" + Item.SKU + "\"")));
    throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
  }

  private static ErrorResponseException notFound(String sku) {
    ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.NOT_FOUND);
    problem.setType(Problems.type("item-not-found"));
    problem.setTitle("Item not found");
    problem.setDetail("There is no item with sku " + sku + ".");
    problem.setProperty("sku", sku);
    return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
  }
}
