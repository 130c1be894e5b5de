package io.shopstack.inventory.items;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Items and their stock. Stock only ever changes in single guarded statements, never by reading a
 * value and writing back a computed one, so concurrent requests cannot oversell.
 */
@Repository
public class ItemRepository {

  private final JdbcClient jdbc;

  ItemRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public List<Item> findAll() {
    return jdbc.sql("select sku, name, available from item order by sku").query(Item.class).list();
  }

  public Optional<Item> find(String sku) {
    return jdbc.sql("select sku, name, available from item where sku = :sku")
        .param("sku", sku)
        .query(Item.class)
        .optional();
  }

  /**
   * Creates the item, or replaces the name and stock of the existing one.
   *
   * @return whether the item was created
   */
  public boolean save(Item item) {
    // Items are never deleted, so when the insert finds the sku taken, the update finds the row.
    boolean created =
        jdbc.sql(
                    """
                    insert into item (sku, name, available) values (:sku, :name, :available)
                    on conflict (sku) do nothing""")
                .paramSource(item)
                .update()
            == 1;
    if (!created) {
      jdbc.sql("update item set name = :name, available = :available where sku = :sku")
          .paramSource(item)
          .update();
    }
    return created;
  }

  /** Sets the stock of an existing item; empty when there is no such item. */
  public Optional<Item> setStock(String sku, int available) {
    return jdbc.sql(
            """
            update item set available = :available where sku = :sku
            returning sku, name, available""")
        .param("sku", sku)
        .param("available", available)
        .query(Item.class)
        .optional();
  }

  /**
   * Takes {@code quantity} units if that many are available. The row lock taken by the update makes
   * concurrent takes queue up, and each re-checks the guard against the latest stock.
   *
   * @return whether the units were taken (false for an unknown sku)
   */
  public boolean take(String sku, int quantity) {
    return jdbc.sql(
                """
                update item set available = available - :quantity
                where sku = :sku and available >= :quantity""")
            .param("sku", sku)
            .param("quantity", quantity)
            .update()
        == 1;
  }

  public void giveBack(String sku, int quantity) {
    jdbc.sql("update item set available = available + :quantity where sku = :sku")
        .param("sku", sku)
        .param("quantity", quantity)
        .update();
  }

  /** The stock of an item, 0 for an unknown sku. */
  public int available(String sku) {
    return find(sku).map(Item::available).orElse(0);
  }
}
