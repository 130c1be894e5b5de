package io.shopstack.inventory.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstack.testsupport.TestPostgres;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The item queries on a real PostgreSQL with the Flyway migrations applied: the demo catalogue is
 * there, taking stock is refused rather than going below zero, and the database itself refuses
 * negative stock should any code try. Each test runs in a transaction that is rolled back.
 */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(ItemRepository.class)
class ItemRepositoryIT {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
  }

  private static final int MAX = StockAdjustment.MAX_AVAILABLE;

  @Autowired ItemRepository items;
  @Autowired JdbcClient jdbc;

  @Test
  void demoCatalogueIsSeeded() {
    assertThat(items.findAll())
        .hasSize(6)
        .allSatisfy(item -> assertThat(item.available()).isEqualTo(100))
        .extracting(Item::sku)
        .contains("SKU-RED-MUG")
        .isSorted();
  }

  @Test
  void takesOnlyWhatIsAvailable() {
    items.adjust("SKU-RED-MUG", -97, MAX);

    assertThat(items.take("SKU-RED-MUG", 4)).isFalse();
    assertThat(items.available("SKU-RED-MUG")).isEqualTo(3);
    assertThat(items.take("SKU-RED-MUG", 3)).isTrue();
    assertThat(items.available("SKU-RED-MUG")).isZero();
    assertThat(items.take("SKU-RED-MUG", 1)).isFalse();
  }

  @Test
  void unknownSkuHasNothingToTake() {
    assertThat(items.take("SKU-NONE", 1)).isFalse();
    assertThat(items.available("SKU-NONE")).isZero();
    assertThat(items.find("SKU-NONE")).isEmpty();
    assertThat(items.adjust("SKU-NONE", 5, MAX)).isEmpty();
  }

  @Test
  void givesBack() {
    items.adjust("SKU-RED-MUG", -99, MAX);
    items.giveBack("SKU-RED-MUG", 4);

    assertThat(items.find("SKU-RED-MUG")).get().extracting(Item::available).isEqualTo(5);
  }

  @Test
  void createsWithoutStockThenRenamesKeepingTheStock() {
    assertThat(items.save("SKU-BLUE-MUG", "Blue Mug")).isTrue();
    assertThat(items.find("SKU-BLUE-MUG")).contains(new Item("SKU-BLUE-MUG", "Blue Mug", 0));
    items.adjust("SKU-BLUE-MUG", 9, MAX);
    assertThat(items.save("SKU-BLUE-MUG", "Blue Mug, large")).isFalse();

    assertThat(items.find("SKU-BLUE-MUG")).contains(new Item("SKU-BLUE-MUG", "Blue Mug, large", 9));
  }

  @Test
  void adjustsWithinZeroAndTheMaximum() {
    assertThat(items.adjust("SKU-RED-MUG", -100, MAX)).contains(0);
    assertThat(items.adjust("SKU-RED-MUG", -1, MAX)).isEmpty();
    assertThat(items.adjust("SKU-RED-MUG", MAX, MAX)).contains(MAX);
    assertThat(items.adjust("SKU-RED-MUG", 1, MAX)).isEmpty();
    assertThat(items.available("SKU-RED-MUG")).isEqualTo(MAX);
  }

  @Test
  void theDemoCatalogueOpensTheLedger() {
    assertThat(
            jdbc.sql("select sum(change) from stock_adjustment where sku = 'SKU-RED-MUG'")
                .query(Integer.class)
                .single())
        .isEqualTo(100);
  }

  @Test
  void anAdjustmentIdIsRecordedOnce() {
    UUID id = UUID.randomUUID();
    assertThat(items.recordAdjustment(id, "SKU-RED-MUG", 5)).isEmpty();
    assertThat(items.recordAdjustment(id, "SKU-PEPPER-MILL", 7))
        .contains(new ItemRepository.Recorded("SKU-RED-MUG", 5));
  }

  @Test
  void databaseRefusesNegativeStock() {
    assertThatThrownBy(
            () ->
                jdbc.sql("update item set available = available - 101 where sku = 'SKU-RED-MUG'")
                    .update())
        .isInstanceOf(DataIntegrityViolationException.class);
  }
}
