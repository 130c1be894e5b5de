package io.shopstack.order.orders;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shopstack.order.inventory.InventoryClient;
import io.shopstack.order.inventory.InventoryUnavailableException;
import io.shopstack.order.inventory.Reservation;
import io.shopstack.order.inventory.ReservationOutcome;
import io.shopstack.order.inventory.Shortage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.skywalking.apm.toolkit.trace.ActiveSpan;
import org.apache.skywalking.apm.toolkit.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The order state machine: placing an order (idempotently), settling it with inventory's answer,
 * cancelling and expiring it.
 *
 * <p>Inventory is never called inside a database transaction. Every state change is a guarded
 * update, and every step is safe to lose an answer or crash after (docs/services.md, "What survives
 * a crash"): a placed order is stored PENDING before inventory is asked, and the batch job retries
 * whatever stays PENDING; a cancel or expiry is recorded (CANCELLING, EXPIRING) before inventory is
 * asked to release, and finished by the request or by the batch job. Inventory makes a reservation
 * that arrives after a release reserve nothing, and whoever reserved stock but then finds the order
 * cancelled or expired releases it again.
 */
@Component
public class OrderLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OrderLifecycle.class);
  private static final List<OrderStatus> CANCELLABLE =
      List.of(OrderStatus.PENDING, OrderStatus.CONFIRMED);

  private final OrderRepository orders;
  private final InventoryClient inventory;
  private final Map<String, Counter> placed = new HashMap<>();

  OrderLifecycle(OrderRepository orders, InventoryClient inventory, MeterRegistry meters) {
    this.orders = orders;
    this.inventory = inventory;
    // Registered up front so that dashboards see every outcome from the start, at zero.
    for (String outcome : List.of("confirmed", "rejected", "pending", "replayed")) {
      placed.put(
          outcome,
          Counter.builder("shop.orders.placed")
              .description("POST /api/orders answers by outcome")
              .tag("outcome", outcome)
              .register(meters));
    }
    // Read when a registry reports (SkyWalking's every 20 s, a Prometheus scrape): one indexed
    // count. Every replica reports the same number, the database's; a failed read is NaN.
    Gauge.builder("shop.orders.pending", orders, OrderRepository::countPending)
        .description("Orders PENDING now: placed, not yet settled by inventory or the batch job")
        .register(meters);
  }

  /**
   * The answer to a POST: the order and the HTTP status to answer with (201 confirmed, 202 still
   * pending, 409 rejected with the short lines).
   */
  public record Placement(Order order, HttpStatus status, List<Shortage> shortages) {}

  /**
   * Places an order once per idempotency key. The first request stores the order PENDING, asks
   * inventory and settles it; any later request with the same key and body gets the first answer's
   * status with the order as it is now (a 202 stays a 202 even once the batch job has confirmed the
   * order, so a client sees the same kind of answer however often it retries, and the body tells it
   * the news). A request that arrives while the first one is still talking to inventory gets 202
   * with the PENDING order.
   *
   * @throws org.springframework.web.ErrorResponseException 422 when the key was used for another
   *     request
   */
  @Trace(operationName = "orders/place")
  public Placement place(String customer, String idempotencyKey, PlaceOrderRequest request) {
    UUID id = UUID.randomUUID();
    ActiveSpan.tag("orderId", id.toString());
    String fingerprint = request.fingerprint();
    if (!orders.insertPending(id, customer, idempotencyKey, fingerprint, request.lines())) {
      return replay(customer, idempotencyKey, fingerprint);
    }
    ReservationOutcome outcome = inventory.reserve(reservationOf(id, request.lines()));
    boolean settled = settle(id, outcome);
    HttpStatus status =
        switch (outcome) {
          case ReservationOutcome.Reserved reserved when settled -> HttpStatus.CREATED;
          case ReservationOutcome.Rejected rejected when settled -> HttpStatus.CONFLICT;
          default -> HttpStatus.ACCEPTED;
        };
    orders.recordReply(id, status.value());
    String result =
        switch (status) {
          case CREATED -> "confirmed";
          case CONFLICT -> "rejected";
          default -> "pending";
        };
    count(result);
    ActiveSpan.tag("outcome", result);
    log.info("Order {} placed: {}", id, result);
    List<Shortage> shortages =
        outcome instanceof ReservationOutcome.Rejected rejected && settled
            ? rejected.shortages()
            : List.of();
    return new Placement(find(id), status, shortages);
  }

  private Placement replay(String customer, String idempotencyKey, String fingerprint) {
    OrderRepository.KeyUse use = orders.findKeyUse(customer, idempotencyKey).orElseThrow();
    if (!use.requestHash().equals(fingerprint)) {
      throw OrderProblems.keyReused();
    }
    count("replayed");
    HttpStatus status =
        use.replyStatus() == null ? HttpStatus.ACCEPTED : HttpStatus.valueOf(use.replyStatus());
    List<Shortage> shortages =
        status == HttpStatus.CONFLICT ? orders.shortages(use.orderId()) : List.of();
    return new Placement(find(use.orderId()), status, shortages);
  }

  public Order find(UUID id) {
    return orders.find(id).orElseThrow(() -> OrderProblems.notFound(id));
  }

  /**
   * The order if {@code customer} placed it. Another customer's order is not found (404), the same
   * answer as an id that does not exist, so that ids tell nothing about other customers' orders.
   */
  public Order findOf(String customer, UUID id) {
    return orders
        .find(id)
        .filter(order -> order.customer().equals(customer))
        .orElseThrow(() -> OrderProblems.notFound(id));
  }

  /** What a cancel request got: the order, and whether the cancellation is complete. */
  public record Cancellation(Order order, boolean done) {}

  /**
   * Cancels a PENDING or CONFIRMED order: records the intent (CANCELLING), has inventory release
   * the stock, then marks it CANCELLED. When inventory cannot release now, the order stays
   * CANCELLING and the answer says so; repeating the request, or the next batch run, finishes it.
   * Cancelling a cancelled order changes nothing. Only the customer who placed the order may cancel
   * it; for anyone else it does not exist (404).
   *
   * @throws org.springframework.web.ErrorResponseException 409 for a REJECTED, EXPIRING or EXPIRED
   *     order
   */
  @Trace(operationName = "orders/cancel")
  public Cancellation cancel(String customer, UUID id) {
    ActiveSpan.tag("orderId", id.toString());
    // An order never changes hands, so checking first leaves no race.
    findOf(customer, id);
    // One guarded update records the intent from either state, so a PENDING order confirmed by a
    // concurrent placement is cancelled all the same.
    orders.transition(id, CANCELLABLE, OrderStatus.CANCELLING);
    Order order = find(id);
    return switch (order.status()) {
      case CANCELLING -> {
        Order now = finish(id, OrderStatus.CANCELLING, OrderStatus.CANCELLED);
        yield new Cancellation(now, now.status() == OrderStatus.CANCELLED);
      }
      case CANCELLED -> new Cancellation(order, true);
      default -> throw OrderProblems.notCancellable(order);
    };
  }

  /**
   * Settles an order the batch job found due ({@link OrderRepository#due}), deciding by the
   * database's clock what is due: a PENDING order older than {@code expireAfter} is expired, a
   * younger one gets its reservation retried; a CANCELLING or EXPIRING order is finished. Whatever
   * inventory answers, nothing is thrown: an order that stays unsettled is answered as it is, and
   * the next run tries again.
   */
  public Order settleDue(UUID id, Duration expireAfter) {
    Order order = find(id);
    return switch (order.status()) {
      case PENDING -> orders.olderThan(id, expireAfter) ? expire(id) : reconcile(id);
      case CANCELLING -> finish(id, OrderStatus.CANCELLING, OrderStatus.CANCELLED);
      case EXPIRING -> finish(id, OrderStatus.EXPIRING, OrderStatus.EXPIRED);
      default -> order;
    };
  }

  /**
   * Asks inventory again for a PENDING order and settles it with the answer; an order that is not
   * PENDING is answered as it is.
   */
  Order reconcile(UUID id) {
    Order order = find(id);
    if (order.status() == OrderStatus.PENDING) {
      settle(id, inventory.reserve(reservationOf(id, order.lines())));
    }
    return find(id);
  }

  /**
   * Expires a PENDING order: records the intent (EXPIRING), has inventory release whatever it may
   * hold, then marks it EXPIRED. A reconcile that reserved in the meantime finds the order no
   * longer PENDING and cannot confirm it. When inventory cannot release now the order stays
   * EXPIRING for the next run.
   */
  Order expire(UUID id) {
    if (orders.transition(id, List.of(OrderStatus.PENDING), OrderStatus.EXPIRING)) {
      return finish(id, OrderStatus.EXPIRING, OrderStatus.EXPIRED);
    }
    return find(id);
  }

  /**
   * Completes a recorded intent: releases the stock (idempotent at inventory, and a reservation
   * arriving after it reserves nothing), then moves the order from {@code intent} to {@code done}.
   * If inventory cannot release now, the order stays in {@code intent}.
   */
  private Order finish(UUID id, OrderStatus intent, OrderStatus done) {
    try {
      inventory.release(id);
    } catch (InventoryUnavailableException e) {
      log.warn("Order {} stays {}: {}", id, intent, e.getMessage());
      return find(id);
    }
    orders.transition(id, List.of(intent), done);
    return find(id);
  }

  /**
   * Applies inventory's answer to a PENDING order.
   *
   * @return whether this call moved the order out of PENDING
   */
  private boolean settle(UUID id, ReservationOutcome outcome) {
    return switch (outcome) {
      case ReservationOutcome.Reserved reserved -> {
        if (orders.transition(id, List.of(OrderStatus.PENDING), OrderStatus.CONFIRMED)) {
          yield true;
        }
        releaseIfGone(id);
        yield false;
      }
      case ReservationOutcome.Rejected rejected -> orders.reject(id, rejected.shortages());
      // Released: a cancel or expire is under way and settles the order itself.
      case ReservationOutcome.Released released -> false;
      case ReservationOutcome.Unavailable unavailable -> false;
    };
  }

  /** The order was cancelled or expired while we reserved: give back what we may have taken. */
  private void releaseIfGone(UUID id) {
    OrderStatus status = find(id).status();
    if (status != OrderStatus.CANCELLED && status != OrderStatus.EXPIRED) {
      return;
    }
    // Normally redundant: the cancel or expire released before changing the status, so its release
    // either gave this reservation back or made inventory void it. Cheap and idempotent, though.
    try {
      inventory.release(id);
    } catch (InventoryUnavailableException e) {
      log.warn("Order {} became {} while reserving; release failed: {}", id, status, e.toString());
    }
  }

  private static Reservation reservationOf(UUID id, List<OrderLine> lines) {
    return new Reservation(
        id, lines.stream().map(line -> new Reservation.Line(line.sku(), line.quantity())).toList());
  }

  private void count(String outcome) {
    placed.get(outcome).increment();
  }
}
