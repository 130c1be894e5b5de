package io.shopstack.inventory.reservations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.shopstack.inventory.items.ItemRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.skywalking.apm.toolkit.trace.ActiveSpan;
import org.apache.skywalking.apm.toolkit.trace.Tag;
import org.apache.skywalking.apm.toolkit.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

/**
 * The reservation rule: an order holds all of its lines or none, and each order id reserves at most
 * once, however often and however concurrently it is asked.
 *
 * <p>The order id is claimed first (the reservation's primary key), so concurrent requests for one
 * order wait for each other; then every line is taken with a guarded update, in sku order so that
 * concurrent orders lock items in the same order and cannot deadlock. If any line is short, the
 * takes are rolled back to a savepoint and the rejection is recorded in the same transaction as the
 * claim, so no other request can slip in between.
 */
@Component
public class Reservations {

  private static final Logger log = LoggerFactory.getLogger(Reservations.class);

  private final ReservationRepository reservations;
  private final ItemRepository items;
  private final TransactionTemplate transaction;
  private final TransactionTemplate savepoint;
  private final Map<String, Counter> outcomes;

  Reservations(
      ReservationRepository reservations,
      ItemRepository items,
      PlatformTransactionManager transactionManager,
      MeterRegistry meters) {
    this.reservations = reservations;
    this.items = items;
    this.transaction = new TransactionTemplate(transactionManager);
    this.savepoint = new TransactionTemplate(transactionManager);
    this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    this.outcomes =
        Stream.of("reserved", "rejected", "replayed")
            .collect(
                Collectors.toMap(
                    Function.identity(),
                    outcome ->
                        Counter.builder("shop.inventory.reservations")
                            .description("Reservation requests by outcome")
                            .tag("outcome", outcome)
                            .register(meters)));
  }

  /**
   * Reserves every line of the order, or none. Lines with the same sku are summed. A repeat gets
   * the outcome recorded the first time, whatever the stock is now.
   *
   * @return the RESERVED reservation
   * @throws ErrorResponseException 409 {@code insufficient-stock} with the short lines when some
   *     line cannot be served (the rejection is recorded), 409 {@code reservation-released} when
   *     the order was released, 422 {@code reservation-mismatch} when the order id was used with
   *     other lines
   */
  @Trace(operationName = "inventory/reserve")
  @Tag(key = "orderId", value = "arg[0]")
  public Reservation reserve(UUID orderId, List<ReservationLine> lines) {
    List<ReservationLine> wanted = merged(lines);
    Recorded recorded = transaction.execute(status -> reserveOnce(orderId, wanted));
    Reservation reservation = recorded.reservation();
    // A release that came first left no lines to compare with: any lines get reservation-released.
    if (recorded.replay()
        && !reservation.lines().isEmpty()
        && !reservation.lines().equals(wanted)) {
      throw ReservationProblems.mismatch(orderId);
    }
    String outcome =
        recorded.replay()
            ? "replayed"
            : reservation.status() == ReservationStatus.RESERVED ? "reserved" : "rejected";
    outcomes.get(outcome).increment();
    ActiveSpan.tag("outcome", outcome);
    // The reservation's line in the log, and in the trace's Log tab beside order-service's.
    log.info("Stock for order {}: {}", orderId, outcome);
    return switch (reservation.status()) {
      case RESERVED -> reservation;
      case REJECTED ->
          throw ReservationProblems.insufficientStock(orderId, reservations.shortLines(orderId));
      case RELEASED -> throw ReservationProblems.released(orderId);
    };
  }

  private Recorded reserveOnce(UUID orderId, List<ReservationLine> wanted) {
    if (!reservations.insertIfAbsent(orderId, ReservationStatus.RESERVED)) {
      return new Recorded(reservations.find(orderId).orElseThrow(), true);
    }
    List<ShortLine> shortLines = new ArrayList<>();
    savepoint.executeWithoutResult(
        status -> {
          for (ReservationLine line : wanted) {
            if (!items.take(line.sku(), line.quantity())) {
              shortLines.add(
                  new ShortLine(line.sku(), line.quantity(), items.available(line.sku())));
            }
          }
          if (!shortLines.isEmpty()) {
            status.setRollbackOnly();
          }
        });
    reservations.addLines(orderId, wanted, shortLines);
    if (!shortLines.isEmpty()) {
      reservations.markRejected(orderId);
    }
    ReservationStatus status =
        shortLines.isEmpty() ? ReservationStatus.RESERVED : ReservationStatus.REJECTED;
    return new Recorded(new Reservation(orderId, status, wanted), false);
  }

  /**
   * Gives back what the order holds. Idempotent: a REJECTED or RELEASED reservation stays as it is.
   * An order never seen before gets a RELEASED reservation without lines, so that a reservation
   * arriving late (say, after the caller timed out and cancelled) reserves nothing.
   *
   * @return the reservation as it is after the call
   */
  public Reservation release(UUID orderId) {
    return transaction.execute(
        status -> {
          // Like a reservation, this waits for a reservation of the same order still in flight.
          if (reservations.insertIfAbsent(orderId, ReservationStatus.RELEASED)) {
            return new Reservation(orderId, ReservationStatus.RELEASED, List.of());
          }
          boolean won = reservations.markReleased(orderId);
          Reservation reservation = reservations.find(orderId).orElseThrow();
          if (won) {
            reservation.lines().forEach(line -> items.giveBack(line.sku(), line.quantity()));
          }
          return reservation;
        });
  }

  public Optional<Reservation> find(UUID orderId) {
    return reservations.find(orderId);
  }

  /** One line per sku, quantities summed, in sku order. */
  static List<ReservationLine> merged(List<ReservationLine> lines) {
    Map<String, Integer> bySku = new TreeMap<>();
    lines.forEach(line -> bySku.merge(line.sku(), line.quantity(), Integer::sum));
    return bySku.entrySet().stream()
        .map(e -> new ReservationLine(e.getKey(), e.getValue()))
        .toList();
  }

  private record Recorded(Reservation reservation, boolean replay) {}
}
