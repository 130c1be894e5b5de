package io.shopstack.batch.reconcile;

import java.util.List;
import java.util.UUID;
import org.apache.skywalking.apm.toolkit.trace.ActiveSpan;
import org.apache.skywalking.apm.toolkit.trace.Trace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;

/**
 * One run of the job: every order order-service has work for is settled. A PENDING order older than
 * {@code reconcile-after} gets its reservation retried, or is expired once older than {@code
 * expire-after}; a CANCELLING or EXPIRING order (a cancel or expiry whose release was not
 * confirmed) is finished. order-service decides which, by its database's clock, so the pod's clock
 * does not matter. Oldest first, through keyset pages, at most {@code max-orders} per run.
 *
 * <p>It does not assume it is alone: every change order-service makes is a guarded state transition
 * and every release is idempotent, so a second run at the same time or right after only finds the
 * work already done.
 *
 * <p>The exit code tells the CronJob what happened: {@value Tally#DONE} all due orders settled (or
 * none due), {@value Tally#RUN_AGAIN} some are still unsettled (inventory still unreachable, or
 * more than {@code max-orders} were due), {@value Tally#FAILED} order-service could not be used.
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
    UUID after = null;
    while (true) {
      List<Order> page = orders.due(properties.reconcileAfter(), after, properties.pageSize());
      for (Order order : page) {
        if (tally.handled() == properties.maxOrders()) {
          tally.moreDue = true;
          return;
        }
        settle(order, tally);
      }
      if (page.size() < properties.pageSize()) {
        return;
      }
      // The next page starts after the last order of this one, whether it was settled or not.
      after = page.getLast().id();
    }
  }

  // Its own trace per order (the job has no incoming request): the settle call and what
  // order-service and inventory do about it, tagged with the order and the result.
  @Trace(operationName = "batch/settle-order")
  private void settle(Order order, Tally tally) {
    ActiveSpan.tag("orderId", order.id().toString());
    ActiveSpan.tag("found", order.status().name());
    try {
      Order after = orders.settle(order.id(), properties.expireAfter());
      tally.count(after.status());
      ActiveSpan.tag("status", after.status().name());
    } catch (ResourceAccessException e) {
      // order-service went away mid-run: the remaining calls would only wait and fail too.
      throw e;
    } catch (RuntimeException e) {
      log.warn("Could not settle order {}: {}", order.id(), e.toString());
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
    int cancelled;
    int stillPending;
    int failed;
    boolean moreDue;

    void count(Order.Status status) {
      switch (status) {
        case CONFIRMED -> confirmed++;
        case REJECTED -> rejected++;
        case EXPIRED -> expired++;
        case CANCELLED -> cancelled++;
        case PENDING, CANCELLING, EXPIRING -> stillPending++;
      }
    }

    int handled() {
      return confirmed + rejected + expired + cancelled + stillPending + failed;
    }

    int exitCode() {
      if (failed > 0) {
        return FAILED;
      }
      return stillPending > 0 || moreDue ? RUN_AGAIN : DONE;
    }

    @Override
    public String toString() {
      return "confirmed=%d rejected=%d expired=%d cancelled=%d stillPending=%d failed=%d moreDue=%b exitCode=%d"
          .formatted(
              confirmed, rejected, expired, cancelled, stillPending, failed, moreDue, exitCode());
    }
  }
}
