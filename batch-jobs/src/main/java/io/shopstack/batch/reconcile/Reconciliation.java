package io.shopstack.batch.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.skywalking.apm.toolkit.trace.ActiveSpan;
import org.apache.skywalking.apm.toolkit.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

/**
 * One run of the job: every order PENDING for longer than {@code reconcile-after} gets its
 * reservation retried, or is expired once older than {@code expire-after}. Oldest first, at most
 * {@code max-orders} per run.
 *
 * <p>It does not assume it is alone: order-service's reconcile and expire are guarded state
 * transitions that leave an order no longer PENDING unchanged, so a second run at the same time or
 * right after only finds the work already done.
 *
 * <p>The exit code tells the CronJob what happened: {@value Tally#DONE} all due orders settled (or
 * none due), {@value Tally#RUN_AGAIN} some are still PENDING (inventory still unreachable, or more
 * than {@code max-orders} were due), {@value Tally#FAILED} order-service could not be used.
 */
@Component
class Reconciliation implements ApplicationRunner, ExitCodeGenerator {

  private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

  private final OrderServiceClient orders;
  private final BatchProperties properties;
  private int exitCode = Tally.FAILED;

  Reconciliation(OrderServiceClient orders, BatchProperties properties) {
    this.orders = orders;
    this.properties = properties;
  }

  @Override
  public void run(ApplicationArguments args) {
    Tally tally = new Tally();
    try {
      settleDueOrders(tally);
    } catch (RuntimeException e) {
      // order-service unreachable, an error answer, or a bug: this run could not do its work.
      log.error("Reconciliation stopped: {}", e.toString());
      tally.failed++;
    }
    exitCode = tally.exitCode();
    log.info("Reconciliation finished: {}", tally);
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }

  private void settleDueOrders(Tally tally) {
    Instant now = Instant.now();
    Set<UUID> seen = new HashSet<>();
    while (true) {
      List<Order> page = orders.pending(properties.reconcileAfter(), properties.pageSize());
      // Orders still PENDING after their retry come back at the head of the next page.
      List<Order> fresh = new ArrayList<>();
      for (Order order : page) {
        if (seen.add(order.id())) {
          fresh.add(order);
        }
      }
      for (Order order : fresh) {
        if (tally.handled() == properties.maxOrders()) {
          tally.moreDue = true;
          return;
        }
        settle(order, now, tally);
      }
      if (page.size() < properties.pageSize() || fresh.isEmpty()) {
        return;
      }
    }
  }

  // Its own trace per order (the job has no incoming request): the reconcile or expire call and
  // what order-service and inventory do about it, tagged with the order and the result.
  @Trace(operationName = "batch/settle-order")
  private void settle(Order order, Instant now, Tally tally) {
    boolean expire =
        Duration.between(order.createdAt(), now).compareTo(properties.expireAfter()) > 0;
    ActiveSpan.tag("orderId", order.id().toString());
    ActiveSpan.tag("action", expire ? "expire" : "reconcile");
    try {
      Order after = expire ? orders.expire(order.id()) : orders.reconcile(order.id());
      tally.count(after.status());
      ActiveSpan.tag("status", after.status().name());
    } catch (HttpClientErrorException.Conflict e) {
      // Settled by someone else (the customer cancelled, another run) before this call.
      tally.alreadySettled++;
    } catch (HttpServerErrorException.ServiceUnavailable e) {
      // order-service could not reach inventory (an expiry must release stock first): unchanged.
      tally.stillPending++;
    } catch (ResourceAccessException e) {
      // order-service went away mid-run: the remaining calls would only wait and fail too.
      throw e;
    } catch (RuntimeException e) {
      log.warn(
          "Could not {} order {}: {}", expire ? "expire" : "reconcile", order.id(), e.toString());
      tally.failed++;
    }
  }

  /** What one run did to the orders it found due. */
  static final class Tally {
    static final int DONE = 0;
    static final int FAILED = 1;
    static final int RUN_AGAIN = 2;

    int confirmed;
    int rejected;
    int expired;
    int alreadySettled;
    int stillPending;
    int failed;
    boolean moreDue;

    void count(Order.Status status) {
      switch (status) {
        case CONFIRMED -> confirmed++;
        case REJECTED -> rejected++;
        case EXPIRED -> expired++;
        case CANCELLED -> alreadySettled++;
        case PENDING -> stillPending++;
      }
    }

    int handled() {
      return confirmed + rejected + expired + alreadySettled + stillPending + failed;
    }

    int exitCode() {
      if (failed > 0) {
        return FAILED;
      }
      return stillPending > 0 || moreDue ? RUN_AGAIN : DONE;
    }

    @Override
    public String toString() {
      return "confirmed=%d rejected=%d expired=%d alreadySettled=%d stillPending=%d failed=%d moreDue=%b exitCode=%d"
          .formatted(
              confirmed,
              rejected,
              expired,
              alreadySettled,
              stillPending,
              failed,
              moreDue,
              exitCode());
    }
  }
}
