package io.shopstack.batch.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.batch.BatchApplication;
import io.shopstack.batch.reconcile.FakeOrderService.Answer;
import io.shopstack.batch.reconcile.Order.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The batch job run in-process, as the CronJob runs it, against a fake order-service on loopback.
 * Each test seeds PENDING orders of various ages, runs the job once and checks what it asked
 * order-service to do, the exit code and the summary line it logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReconciliationIT {

  final FakeOrderService orderService = FakeOrderService.start();

  @AfterEach
  void stopOrderService() {
    orderService.close();
  }

  @Test
  void recentOrdersAreReconciledOldOnesExpiredAndTheJobExitsZero(CapturedOutput output) {
    UUID confirmed = orderService.addPending(Duration.ofMinutes(5));
    UUID rejected = orderService.addPending(Duration.ofMinutes(10));
    UUID old = orderService.addPending(Duration.ofHours(2));
    UUID tooRecent = orderService.addPending(Duration.ofSeconds(10));
    orderService.onReconcile(
        id -> Answer.status(id.equals(rejected) ? Status.REJECTED : Status.CONFIRMED));

    int exitCode = runBatch();

    assertThat(exitCode).isZero();
    assertThat(orderService.calls().getFirst())
        .isEqualTo("GET /internal/orders/pending?olderThan=PT1M&limit=100");
    assertThat(orderService.callsFor(confirmed)).containsExactly("reconcile " + confirmed);
    assertThat(orderService.callsFor(rejected)).containsExactly("reconcile " + rejected);
    assertThat(orderService.callsFor(old)).containsExactly("expire " + old);
    assertThat(orderService.callsFor(tooRecent)).isEmpty();
    assertThat(orderService.status(tooRecent)).isEqualTo(Status.PENDING);
    assertThat(output)
        .contains(
            "Reconciliation finished: confirmed=1 rejected=1 expired=1 alreadySettled=0"
                + " stillPending=0 failed=0 moreDue=false exitCode=0");
  }

  @Test
  void agesComeFromTheSettings() {
    UUID order = orderService.addPending(Duration.ofMinutes(10));

    int exitCode = runBatch("--shop.batch.reconcile-after=5m", "--shop.batch.expire-after=8m");

    assertThat(exitCode).isZero();
    assertThat(orderService.calls().getFirst()).contains("olderThan=PT5M");
    assertThat(orderService.callsFor(order)).containsExactly("expire " + order);
  }

  @Test
  void noDueOrdersExitsZero(CapturedOutput output) {
    orderService.addPending(Duration.ofSeconds(5));

    assertThat(runBatch()).isZero();
    assertThat(output).contains("confirmed=0 rejected=0 expired=0").contains("exitCode=0");
  }

  @Test
  void ordersStillPendingAfterReconcileExitTwo(CapturedOutput output) {
    UUID order = orderService.addPending(Duration.ofMinutes(5));
    orderService.onReconcile(id -> Answer.status(Status.PENDING));

    assertThat(runBatch()).isEqualTo(2);
    assertThat(orderService.status(order)).isEqualTo(Status.PENDING);
    assertThat(output).contains("stillPending=1 failed=0 moreDue=false exitCode=2");
  }

  @Test
  void ordersThatCannotBeExpiredYetExitTwo(CapturedOutput output) {
    UUID order = orderService.addPending(Duration.ofHours(1));
    // order-service answers 503 when inventory cannot release the order's stock: it stays PENDING.
    orderService.onExpire(id -> Answer.error(503));

    assertThat(runBatch()).isEqualTo(2);
    assertThat(orderService.status(order)).isEqualTo(Status.PENDING);
    assertThat(output).contains("stillPending=1 failed=0 moreDue=false exitCode=2");
  }

  @Test
  void ordersSettledByOthersMeanwhileAreFine(CapturedOutput output) {
    UUID cancelled = orderService.addPending(Duration.ofMinutes(5));
    UUID expiredElsewhere = orderService.addPending(Duration.ofHours(1));
    // The customer cancelled before reconcile; another run expired the order before this one.
    orderService.onReconcile(id -> Answer.status(Status.CANCELLED));
    orderService.onExpire(id -> Answer.error(409));

    assertThat(runBatch()).isZero();
    assertThat(orderService.callsFor(cancelled)).hasSize(1);
    assertThat(orderService.callsFor(expiredElsewhere)).hasSize(1);
    assertThat(output).contains("alreadySettled=2 stillPending=0 failed=0");
  }

  @Test
  void unreachableOrderServiceExitsOne(CapturedOutput output) {
    orderService.close();

    assertThat(runBatch()).isEqualTo(1);
    assertThat(output)
        .contains("Reconciliation stopped")
        .contains("failed=1")
        .contains("exitCode=1");
  }

  @Test
  void failingOrderServiceExitsOne() {
    orderService.addPending(Duration.ofMinutes(5));
    orderService.failEverythingWith(500);

    assertThat(runBatch()).isEqualTo(1);
    assertThat(orderService.calls()).singleElement().asString().startsWith("GET ");
  }

  @Test
  void anOrderThatFailsDoesNotStopTheOthersButTheJobExitsOne(CapturedOutput output) {
    UUID failing = orderService.addPending(Duration.ofMinutes(10));
    UUID fine = orderService.addPending(Duration.ofMinutes(5));
    orderService.onReconcile(
        id -> id.equals(failing) ? Answer.error(500) : Answer.status(Status.CONFIRMED));

    assertThat(runBatch()).isEqualTo(1);
    assertThat(orderService.status(fine)).isEqualTo(Status.CONFIRMED);
    assertThat(output).contains("confirmed=1").contains("failed=1").contains("exitCode=1");
  }

  @Test
  void dueOrdersAreFetchedPageByPage() {
    List<UUID> due =
        Stream.generate(() -> orderService.addPending(Duration.ofMinutes(5))).limit(5).toList();

    assertThat(runBatch("--shop.batch.page-size=2")).isZero();
    assertThat(due)
        .allSatisfy(id -> assertThat(orderService.status(id)).isEqualTo(Status.CONFIRMED));
    assertThat(orderService.calls()).filteredOn(call -> call.startsWith("GET ")).hasSize(3);
  }

  @Test
  void ordersThatStayPendingAreTriedOncePerRun() {
    UUID first = orderService.addPending(Duration.ofMinutes(9));
    UUID second = orderService.addPending(Duration.ofMinutes(8));
    orderService.addPending(Duration.ofMinutes(7));
    orderService.onReconcile(id -> Answer.status(Status.PENDING));

    // Both first orders stay PENDING and fill the next page again: the run stops there.
    assertThat(runBatch("--shop.batch.page-size=2")).isEqualTo(2);
    assertThat(orderService.calls())
        .filteredOn(call -> !call.startsWith("GET "))
        .containsExactly("reconcile " + first, "reconcile " + second);
  }

  @Test
  void atMostMaxOrdersPerRunAndTheRestIsLeftForTheNextRun(CapturedOutput output) {
    Stream.generate(() -> orderService.addPending(Duration.ofMinutes(5))).limit(5).toList();

    assertThat(runBatch("--shop.batch.max-orders=3")).isEqualTo(2);
    assertThat(orderService.calls()).filteredOn(call -> call.startsWith("reconcile ")).hasSize(3);
    assertThat(output).contains("confirmed=3").contains("moreDue=true exitCode=2");
  }

  /** Runs the job as its main method does, without the final System.exit. */
  private int runBatch(String... settings) {
    List<String> args = new ArrayList<>();
    args.add("--shop.batch.order-service-url=" + orderService.uri());
    args.add("--spring.main.banner-mode=off");
    args.addAll(List.of(settings));
    return SpringApplication.exit(
        SpringApplication.run(BatchApplication.class, args.toArray(String[]::new)));
  }
}
