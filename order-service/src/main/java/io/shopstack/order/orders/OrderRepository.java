package io.shopstack.order.orders;

import io.shopstack.order.inventory.Shortage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Orders and their lines. Status changes are guarded updates ({@code where status in (...)}) that
 * report whether they won, never read-modify-write. Lists load the lines of all their orders with
 * one more query, however many orders there are.
 */
@Repository
class OrderRepository {

  private static final String ORDER_COLUMNS = "id, customer, status, created_at, updated_at";

  private final JdbcClient jdbc;
  private final TransactionTemplate transaction;

  OrderRepository(JdbcClient jdbc, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.transaction = new TransactionTemplate(transactions);
  }

  /** What an idempotency key was first used for. */
  record KeyUse(UUID orderId, String requestHash, Integer replyStatus) {}

  /**
   * Stores a new PENDING order of {@code customer} with its lines in one transaction, unless the
   * customer has used the key already. While another transaction holds an uncommitted order with
   * the same customer and key, PostgreSQL makes this insert wait for its outcome, so exactly one of
   * any number of concurrent callers gets {@code true}.
   */
  boolean insertPending(
      UUID id, String customer, String idempotencyKey, String requestHash, List<OrderLine> lines) {
    return transaction.execute(
        tx -> {
          int inserted =
              jdbc.sql(
                      """
                      insert into orders (id, customer, idempotency_key, request_hash, status)
                      values (:id, :customer, :key, :hash, 'PENDING')
                      on conflict (customer, idempotency_key) do nothing""")
                  .param("id", id)
                  .param("customer", customer)
                  .param("key", idempotencyKey)
                  .param("hash", requestHash)
                  .update();
          if (inserted == 0) {
            return false;
          }
          for (int i = 0; i < lines.size(); i++) {
            jdbc.sql(
                    """
                    insert into order_line (order_id, line_no, sku, quantity)
                    values (:id, :lineNo, :sku, :quantity)""")
                .param("id", id)
                .param("lineNo", i)
                .param("sku", lines.get(i).sku())
                .param("quantity", lines.get(i).quantity())
                .update();
          }
          return true;
        });
  }

  Optional<KeyUse> findKeyUse(String customer, String idempotencyKey) {
    return jdbc.sql(
            """
            select id, request_hash, reply_status from orders
            where customer = :customer and idempotency_key = :key""")
        .param("customer", customer)
        .param("key", idempotencyKey)
        .query(
            (rs, n) ->
                new KeyUse(
                    rs.getObject("id", UUID.class),
                    rs.getString("request_hash"),
                    rs.getObject("reply_status", Integer.class)))
        .optional();
  }

  /** Remembers the first answer to the POST that created the order, for replays. */
  void recordReply(UUID id, int httpStatus) {
    jdbc.sql("update orders set reply_status = :status where id = :id and reply_status is null")
        .param("status", httpStatus)
        .param("id", id)
        .update();
  }

  /**
   * Moves the order to {@code to} if it is in one of {@code from}.
   *
   * @return whether this call made the change
   */
  boolean transition(UUID id, Collection<OrderStatus> from, OrderStatus to) {
    return jdbc.sql(
                """
                update orders set status = :to, updated_at = now()
                where id = :id and status in (:from)""")
            .param("to", to.name())
            .param("id", id)
            .param("from", from.stream().map(OrderStatus::name).toList())
            .update()
        == 1;
  }

  /** PENDING to REJECTED, keeping the stock inventory reported for each short line. */
  boolean reject(UUID id, List<Shortage> shortages) {
    return transaction.execute(
        tx -> {
          if (!transition(id, List.of(OrderStatus.PENDING), OrderStatus.REJECTED)) {
            return false;
          }
          for (Shortage shortage : shortages) {
            jdbc.sql(
                    """
                    update order_line set available = :available
                    where order_id = :id and sku = :sku""")
                .param("available", shortage.available())
                .param("id", id)
                .param("sku", shortage.sku())
                .update();
          }
          return true;
        });
  }

  /** The short lines recorded when the order was rejected, as inventory reported them. */
  List<Shortage> shortages(UUID id) {
    return jdbc.sql(
            """
            select sku, quantity, available from order_line
            where order_id = :id and available is not null order by line_no""")
        .param("id", id)
        .query(
            (rs, n) ->
                new Shortage(rs.getString("sku"), rs.getInt("quantity"), rs.getInt("available")))
        .list();
  }

  Optional<Order> find(UUID id) {
    return withLines(
            jdbc.sql("select " + ORDER_COLUMNS + " from orders where id = :id")
                .param("id", id)
                .query(OrderRepository::order)
                .list())
        .stream()
        .findFirst();
  }

  /**
   * A page of orders, newest first: those of one customer, or everyone's when {@code customer} is
   * null (an operator's listing); optionally only those in one status.
   */
  OrderPage page(String customer, OrderStatus status, int page, int size) {
    List<String> conditions = new ArrayList<>();
    Map<String, Object> filter = new LinkedHashMap<>();
    if (customer != null) {
      conditions.add("customer = :customer");
      filter.put("customer", customer);
    }
    if (status != null) {
      conditions.add("status = :status");
      filter.put("status", status.name());
    }
    String where = conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    long total =
        jdbc.sql("select count(*) from orders" + where).params(filter).query(Long.class).single();
    List<Order> content =
        withLines(
            jdbc.sql(
                    "select "
                        + ORDER_COLUMNS
                        + " from orders"
                        + where
                        + " order by created_at desc, id desc limit :size offset :offset")
                .params(filter)
                .param("size", size)
                .param("offset", (long) page * size)
                .query(OrderRepository::order)
                .list());
    int totalPages = (int) ((total + size - 1) / size);
    return new OrderPage(content, page, size, total, totalPages);
  }

  /**
   * The orders the batch job has work for, oldest first, a page at a time: PENDING orders created
   * at least {@code reconcileAfter} ago (by the database's clock), and every CANCELLING or EXPIRING
   * one. Keyset paging: {@code after} is the last order of the previous page (null for the first),
   * so orders that stay unsettled never hide the ones behind them.
   */
  List<Order> due(Duration reconcileAfter, UUID after, int limit) {
    String cursor =
        after == null
            ? ""
            : " and (created_at, id) > (select created_at, id from orders where id = :after)";
    var query =
        jdbc.sql(
                "select "
                    + ORDER_COLUMNS
                    + """
                     from orders
                    where (status in ('CANCELLING', 'EXPIRING')
                           or (status = 'PENDING'
                               and created_at <= now() - :millis * interval '1 millisecond'))"""
                    + cursor
                    + " order by created_at, id limit :limit")
            .param("millis", reconcileAfter.toMillis())
            .param("limit", limit);
    if (after != null) {
      query = query.param("after", after);
    }
    return withLines(query.query(OrderRepository::order).list());
  }

  /** How many orders are PENDING now, of all customers (orders_status_created_at_idx). */
  long countPending() {
    return jdbc.sql("select count(*) from orders where status = 'PENDING'")
        .query(Long.class)
        .single();
  }

  /** Whether the order was created at least {@code age} ago, by the database's clock. */
  boolean olderThan(UUID id, Duration age) {
    return jdbc.sql(
            """
            select created_at <= now() - :millis * interval '1 millisecond'
            from orders where id = :id""")
        .param("millis", age.toMillis())
        .param("id", id)
        .query(Boolean.class)
        .optional()
        .orElse(false);
  }

  /** Fills in the lines of all the given orders with a single query. */
  private List<Order> withLines(List<Order> orders) {
    if (orders.isEmpty()) {
      return orders;
    }
    Map<UUID, List<OrderLine>> lines = new LinkedHashMap<>();
    orders.forEach(order -> lines.put(order.id(), new ArrayList<>()));
    jdbc.sql(
            """
            select order_id, sku, quantity from order_line
            where order_id in (:ids) order by order_id, line_no""")
        .param("ids", lines.keySet())
        .query(
            rs -> {
              lines
                  .get(rs.getObject("order_id", UUID.class))
                  .add(new OrderLine(rs.getString("sku"), rs.getInt("quantity")));
            });
    return orders.stream()
        .map(
            o ->
                new Order(
                    o.id(),
                    o.customer(),
                    o.status(),
                    List.copyOf(lines.get(o.id())),
                    o.createdAt(),
                    o.updatedAt()))
        .toList();
  }

  private static Order order(ResultSet rs, int rowNum) throws SQLException {
    return new Order(
        rs.getObject("id", UUID.class),
        rs.getString("customer"),
        OrderStatus.valueOf(rs.getString("status")),
        List.of(),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant());
  }
}
