package io.shopstack.inventory.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstack.testsupport.TestPostgres;
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
    items.setStock("SKU-RED-MUG", 3);

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
    assertThat(items.setStock("SKU-NONE", 5)).isEmpty();
  }

  @Test
  void givesBack() {
    items.setStock("SKU-RED-MUG", 1);
    items.giveBack("SKU-RED-MUG", 4);

    assertThat(items.find("SKU-RED-MUG")).get().extracting(Item::available).isEqualTo(5);
  }

  @Test
  void createsThenReplaces() {
    assertThat(items.save(new Item("SKU-BLUE-MUG", "Blue Mug", 4))).isTrue();
    assertThat(items.save(new Item("SKU-BLUE-MUG", "Blue Mug, large", 9))).isFalse();

    assertThat(items.find("SKU-BLUE-MUG")).contains(new Item("SKU-BLUE-MUG", "Blue Mug, large", 9));
  }

  @Test
  void setsStock() {
    assertThat(items.setStock("SKU-RED-MUG", 0))
        .get()
        .isEqualTo(new Item("SKU-RED-MUG", "Red Ceramic Mug 350 ml", 0));
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
