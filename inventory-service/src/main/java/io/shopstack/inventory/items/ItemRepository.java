package io.shopstack.inventory.items;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Items and their stock. Stock only ever changes in single guarded statements that add to it or
 * take from it, never by reading a value and writing back a computed or absolute one, so concurrent
 * requests can neither oversell nor wipe out each other's changes.
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
   * Creates the item without stock, or renames the existing one; its stock is left as it is.
   *
   * @return whether the item was created
   */
  public boolean save(String sku, String name) {
    // Items are never deleted, so when the insert finds the sku taken, the update finds the row.
    boolean created =
        jdbc.sql(
                    """
                    insert into item (sku, name, available) values (:sku, :name, 0)
                    on conflict (sku) do nothing""")
                .param("sku", sku)
                .param("name", name)
                .update()
            == 1;
    if (!created) {
      jdbc.sql("update item set name = :name where sku = :sku")
          .param("sku", sku)
          .param("name", name)
          .update();
    }
    return created;
  }

  /** What was recorded under an adjustment id. */
  public record Recorded(String sku, int change) {}

  /**
   * Records the adjustment unless its id is taken. While another transaction holds an uncommitted
   * adjustment with the same id, PostgreSQL makes this insert wait for its outcome, so exactly one
   * of any number of concurrent callers records it.
   *
   * @return the adjustment already recorded under that id, empty when this call recorded it
   */
  public Optional<Recorded> recordAdjustment(UUID id, String sku, int change) {
    int inserted =
        jdbc.sql(
                """
                insert into stock_adjustment (id, sku, change) values (:id, :sku, :change)
                on conflict (id) do nothing""")
            .param("id", id)
            .param("sku", sku)
            .param("change", change)
            .update();
    if (inserted == 1) {
      return Optional.empty();
    }
    return Optional.of(
        jdbc.sql("select sku, change from stock_adjustment where id = :id")
            .param("id", id)
            .query((rs, n) -> new Recorded(rs.getString("sku"), rs.getInt("change")))
            .single());
  }

  /**
   * Adds {@code change} (negative: removes) to the stock, in one guarded statement: the stock
   * neither goes negative nor above {@code max}, whatever reservations do at the same time.
   *
   * @return the stock afterwards, empty when the change would leave those bounds
   */
  public Optional<Integer> adjust(String sku, int change, int max) {
    return jdbc.sql(
            """
            update item set available = available + :change
            where sku = :sku and available + :change between 0 and :max
            returning available""")
        .param("sku", sku)
        .param("change", change)
        .param("max", max)
        .query(Integer.class)
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
