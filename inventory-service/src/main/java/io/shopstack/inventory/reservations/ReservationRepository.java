package io.shopstack.inventory.reservations;

import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reservations and their lines, keyed by order id. */
@Repository
class ReservationRepository {

  private final JdbcClient jdbc;

  ReservationRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records a reservation for the order unless it has one. While another transaction holds an
   * uncommitted row for the same order id, PostgreSQL makes this insert wait for its outcome, so
   * exactly one caller ever gets {@code true}, and after a {@code false} the next statement of the
   * transaction sees the committed row (read committed, PostgreSQL's default isolation).
   */
  boolean insertIfAbsent(UUID orderId, ReservationStatus status) {
    return jdbc.sql(
                """
                insert into reservation (order_id, status) values (:orderId, :status)
                on conflict (order_id) do nothing""")
            .param("orderId", orderId)
            .param("status", status.name())
            .update()
        == 1;
  }

  /** Adds the lines, marking those that could not be served with the stock seen at the time. */
  void addLines(UUID orderId, List<ReservationLine> lines, List<ShortLine> shortLines) {
    Map<String, ShortLine> shortBySku =
        shortLines.stream().collect(Collectors.toMap(ShortLine::sku, Function.identity()));
    for (ReservationLine line : lines) {
      ShortLine shortLine = shortBySku.get(line.sku());
      jdbc.sql(
              """
              insert into reservation_line (order_id, sku, quantity, short_available)
              values (:orderId, :sku, :quantity, :shortAvailable)""")
          .param("orderId", orderId)
          .param("sku", line.sku())
          .param("quantity", line.quantity())
          .param("shortAvailable", shortLine == null ? null : shortLine.available(), Types.INTEGER)
          .update();
    }
  }

  void markRejected(UUID orderId) {
    jdbc.sql(
            """
            update reservation set status = 'REJECTED', updated_at = now()
            where order_id = :orderId""")
        .param("orderId", orderId)
        .update();
  }

  /**
   * Moves a RESERVED reservation to RELEASED. Concurrent callers queue on the row lock and re-check
   * the status, so only one of them gets {@code true} and gives the stock back.
   */
  boolean markReleased(UUID orderId) {
    return jdbc.sql(
                """
                update reservation set status = 'RELEASED', updated_at = now()
                where order_id = :orderId and status = 'RESERVED'""")
            .param("orderId", orderId)
            .update()
        == 1;
  }

  Optional<Reservation> find(UUID orderId) {
    return jdbc.sql("select status from reservation where order_id = :orderId")
        .param("orderId", orderId)
        .query(String.class)
        .optional()
        .map(status -> new Reservation(orderId, ReservationStatus.valueOf(status), lines(orderId)));
  }

  List<ShortLine> shortLines(UUID orderId) {
    return jdbc.sql(
            """
            select sku, quantity as requested, short_available as available
            from reservation_line
            where order_id = :orderId and short_available is not null
            order by sku collate "C\"""")
        .param("orderId", orderId)
        .query(ShortLine.class)
        .list();
  }

  // Byte order ("C"), whatever the database's collation: the same order as Java's String order, in
  // which reservations compare their lines and lock the items.
  private List<ReservationLine> lines(UUID orderId) {
    return jdbc.sql(
            """
            select sku, quantity from reservation_line
            where order_id = :orderId
            order by sku collate "C\"""")
        .param("orderId", orderId)
        .query(ReservationLine.class)
        .list();
  }
}
