package io.shopstack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What must hold between orders and stock whatever happened, read straight from both databases:
 *
 * <ol>
 *   <li>for every sku, the sum of its stock adjustments minus its available stock equals the
 *       quantity that RESERVED reservations hold;
 *   <li>every CONFIRMED order holds exactly its lines (a RESERVED reservation with the same skus
 *       and quantities);
 *   <li>no REJECTED, CANCELLED or EXPIRED order holds anything, and no reservation is held for an
 *       order that does not exist;
 *   <li>every order is in a final state or in one the batch job settles (PENDING, CANCELLING,
 *       EXPIRING): {@link #settleAndCheck} runs the batch until it is done and then finds none of
 *       those left.
 * </ol>
 *
 * The stack tests run {@link #check} after each scenario; the fault-injection tests run {@link
 * #settleAndCheck} after each crash or lost answer.
 */
final class Invariants {

  private static final List<String> UNSETTLED = List.of("PENDING", "CANCELLING", "EXPIRING");
  private static final List<String> HOLDING_NOTHING = List.of("REJECTED", "CANCELLED", "EXPIRED");

  private Invariants() {}

  /** The invariants 1 to 3: true at any moment when no request is in flight. */
  static void check(LocalStack stack) {
    assertThat(violations(stack)).as("invariants of orders and stock").isEmpty();
  }

  /**
   * Runs the batch job (with the stack's settings, which make every PENDING order due) until it
   * exits 0, then checks all four invariants.
   */
  static void settleAndCheck(LocalStack stack, String... batchArgs) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    int exit;
    do {
      exit = stack.runBatch(batchArgs);
    } while (exit != 0 && Instant.now().isBefore(deadline));
    assertThat(exit).as("the batch job settles everything within 120 s").isZero();
    List<String> violations = new ArrayList<>(violations(stack));
    try (Connection orders = connect(stack, "orders")) {
      for (Map.Entry<UUID, String> order : statuses(orders).entrySet()) {
        if (UNSETTLED.contains(order.getValue())) {
          violations.add("order " + order.getKey() + " is still " + order.getValue());
        }
      }
    }
    assertThat(violations).as("invariants of orders and stock after the batch").isEmpty();
  }

  static List<String> violations(LocalStack stack) {
    List<String> violations = new ArrayList<>();
    try (Connection orders = connect(stack, "orders");
        Connection inventory = connect(stack, "inventory")) {
      // 1. The ledger.
      Map<String, Long> ledger =
          longs(
              inventory, "select sku, coalesce(sum(change), 0) from stock_adjustment group by sku");
      Map<String, Long> available = longs(inventory, "select sku, available from item");
      Map<String, Long> held =
          longs(
              inventory,
              """
              select l.sku, sum(l.quantity) from reservation_line l
              join reservation r on r.order_id = l.order_id
              where r.status = 'RESERVED' group by l.sku""");
      for (String sku : available.keySet()) {
        long expected = ledger.getOrDefault(sku, 0L) - available.get(sku);
        long actual = held.getOrDefault(sku, 0L);
        if (expected != actual) {
          violations.add(
              "%s: adjustments %d - available %d = %d, but reservations hold %d"
                  .formatted(
                      sku, ledger.getOrDefault(sku, 0L), available.get(sku), expected, actual));
        }
      }

      // 2. and 3. Orders against reservations.
      Map<UUID, String> orderStatus = statuses(orders);
      Map<UUID, Map<String, Long>> orderLines =
          lines(
              orders, "select order_id, sku, sum(quantity) from order_line group by order_id, sku");
      Map<UUID, String> reservationStatus = new HashMap<>();
      try (ResultSet rs =
          inventory.createStatement().executeQuery("select order_id, status from reservation")) {
        while (rs.next()) {
          reservationStatus.put(rs.getObject(1, UUID.class), rs.getString(2));
        }
      }
      Map<UUID, Map<String, Long>> reservedLines =
          lines(
              inventory,
              """
              select l.order_id, l.sku, l.quantity from reservation_line l
              join reservation r on r.order_id = l.order_id where r.status = 'RESERVED'""");
      for (Map.Entry<UUID, String> order : orderStatus.entrySet()) {
        UUID id = order.getKey();
        String status = order.getValue();
        boolean holds = "RESERVED".equals(reservationStatus.get(id));
        if (status.equals("CONFIRMED")) {
          if (!holds) {
            violations.add(
                "CONFIRMED order "
                    + id
                    + " holds nothing (reservation "
                    + reservationStatus.get(id)
                    + ")");
          } else if (!reservedLines.get(id).equals(orderLines.get(id))) {
            violations.add(
                "CONFIRMED order %s holds %s, not its lines %s"
                    .formatted(id, reservedLines.get(id), orderLines.get(id)));
          }
        } else if (HOLDING_NOTHING.contains(status) && holds) {
          violations.add(status + " order " + id + " still holds " + reservedLines.get(id));
        }
      }
      for (Map.Entry<UUID, String> reservation : reservationStatus.entrySet()) {
        if (reservation.getValue().equals("RESERVED")
            && !orderStatus.containsKey(reservation.getKey())) {
          violations.add(
              "stock held for order " + reservation.getKey() + ", which order-service never took");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the stack's databases", e);
    }
    return violations;
  }

  private static Connection connect(LocalStack stack, String database) throws SQLException {
    return DriverManager.getConnection(stack.jdbcUrlOf(database), "postgres", "postgres");
  }

  private static Map<UUID, String> statuses(Connection orders) throws SQLException {
    Map<UUID, String> statuses = new HashMap<>();
    try (ResultSet rs = orders.createStatement().executeQuery("select id, status from orders")) {
      while (rs.next()) {
        statuses.put(rs.getObject(1, UUID.class), rs.getString(2));
      }
    }
    return statuses;
  }

  private static Map<String, Long> longs(Connection connection, String sql) throws SQLException {
    Map<String, Long> values = new TreeMap<>();
    try (ResultSet rs = connection.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        values.put(rs.getString(1), rs.getLong(2));
      }
    }
    return values;
  }

  /** Per order: sku to quantity, from rows of (order id, sku, quantity). */
  private static Map<UUID, Map<String, Long>> lines(Connection connection, String sql)
      throws SQLException {
    Map<UUID, Map<String, Long>> lines = new HashMap<>();
    try (ResultSet rs = connection.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        lines
            .computeIfAbsent(rs.getObject(1, UUID.class), id -> new TreeMap<>())
            .merge(rs.getString(2), rs.getLong(3), Long::sum);
      }
    }
    return lines;
  }
}
