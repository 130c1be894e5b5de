package io.shopstack.inventory.items;

import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

/**
 * Applies stock adjustments once each: the adjustment is recorded and the stock changed in one
 * transaction, so either both happen or neither does, and a repeat with the same id (a client that
 * lost the answer) finds the record and changes nothing.
 */
@Component
public class StockAdjustments {

  private final ItemRepository items;
  private final TransactionTemplate transaction;

  StockAdjustments(ItemRepository items, PlatformTransactionManager transactions) {
    this.items = items;
    this.transaction = new TransactionTemplate(transactions);
  }

  /** What a request got: the adjustment and whether this request applied it. */
  record Outcome(AppliedAdjustment adjustment, boolean applied) {}

  /**
   * @throws ErrorResponseException 404 for an unknown sku, 409 {@code stock-adjustment-refused}
   *     when the stock would go negative (or past the maximum), 422 {@code
   *     stock-adjustment-mismatch} when the id was used for another adjustment
   */
  Outcome apply(UUID id, String sku, int change) {
    return transaction.execute(
        status -> {
          Item item = items.find(sku).orElseThrow(() -> ItemProblems.notFound(sku));
          Optional<ItemRepository.Recorded> earlier = items.recordAdjustment(id, sku, change);
          if (earlier.isPresent()) {
            if (!earlier.get().equals(new ItemRepository.Recorded(sku, change))) {
              throw ItemProblems.adjustmentMismatch(id);
            }
            int now = items.available(sku);
            return new Outcome(new AppliedAdjustment(id, sku, change, now), false);
          }
          // Throwing rolls the recorded adjustment back with the transaction.
          int available =
              items
                  .adjust(sku, change, StockAdjustment.MAX_AVAILABLE)
                  .orElseThrow(
                      () -> ItemProblems.adjustmentRefused(sku, change, items.available(sku)));
          return new Outcome(new AppliedAdjustment(id, sku, change, available), true);
        });
  }
}
