package io.shopstack.batch.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.batch.BatchApplication;
import io.shopstack.batch.reconcile.FakeOrderService.Answer;
import io.shopstack.batch.reconcile.Order.Status;
import io.shopstack.testsupport.TestIssuer;
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
 * Each test seeds unsettled orders of various ages, runs the job once and checks what it asked
 * order-service to do, the exit code and the summary line it logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReconciliationIT {

  static final String SECRET = "test-batch-secret";
  final FakeOrderService orderService = FakeOrderService.start();
  final TestIssuer issuer =
      TestIssuer.start().acceptClient("batch-jobs", SECRET, "orders:settle", "order-service");

  @AfterEach
  void stopOrderService() {
    orderService.close();
    issuer.close();
  }

  @Test
  void dueOrdersAreSettledAndTheJobExitsZero(CapturedOutput output) {
    UUID confirmed = orderService.addPending(Duration.ofMinutes(5));
    UUID rejected = orderService.addPending(Duration.ofMinutes(10));
    UUID old = orderService.addPending(Duration.ofHours(2));
    UUID cancelling = orderService.add(Status.CANCELLING, Duration.ofSeconds(3));
    UUID expiring = orderService.add(Status.EXPIRING, Duration.ofHours(1));
    UUID tooRecent = orderService.addPending(Duration.ofSeconds(10));
    // order-service decides by its database's clock what is due for each order; here as it would.
    orderService.onSettle(
        order ->
            Answer.status(
                order.id().equals(rejected)
                    ? Status.REJECTED
                    : order.id().equals(old) || order.id().equals(expiring)
                        ? Status.EXPIRED
                        : order.id().equals(cancelling) ? Status.CANCELLED : Status.CONFIRMED));

    int exitCode = runBatch();

    assertThat(exitCode).isZero();
    assertThat(orderService.calls().getFirst())
        .isEqualTo("GET /internal/orders/due?reconcileAfter=PT1M&limit=100");
    for (UUID id : List.of(confirmed, rejected, old, cancelling, expiring)) {
      assertThat(orderService.callsFor(id)).containsExactly("settle " + id + "?expireAfter=PT30M");
    }
    assertThat(orderService.callsFor(tooRecent)).isEmpty();
    assertThat(orderService.status(tooRecent)).isEqualTo(Status.PENDING);
    assertThat(output)
        .contains(
            "Reconciliation finished: confirmed=1 rejected=1 expired=2 cancelled=1"
                + " stillPending=0 failed=0 moreDue=false exitCode=0");
  }

  @Test
  void agesComeFromTheSettings() {
    UUID order = orderService.addPending(Duration.ofMinutes(10));

    int exitCode = runBatch("--shop.batch.reconcile-after=5m", "--shop.batch.expire-after=8m");

    assertThat(exitCode).isZero();
    assertThat(orderService.calls().getFirst()).contains("reconcileAfter=PT5M");
    assertThat(orderService.callsFor(order))
        .containsExactly("settle " + order + "?expireAfter=PT8M");
  }

  @Test
  void noDueOrdersExitsZero(CapturedOutput output) {
    orderService.addPending(Duration.ofSeconds(5));

    assertThat(runBatch()).isZero();
    assertThat(output).contains("confirmed=0 rejected=0 expired=0").contains("exitCode=0");
  }

  @Test
  void ordersStillUnsettledExitTwo(CapturedOutput output) {
    UUID pending = orderService.addPending(Duration.ofMinutes(5));
    UUID cancelling = orderService.add(Status.CANCELLING, Duration.ofMinutes(5));
    UUID expiring = orderService.add(Status.EXPIRING, Duration.ofHours(1));
    // Inventory still unreachable: order-service answers each order as it is.
    orderService.onSettle(order -> Answer.status(order.status()));

    assertThat(runBatch()).isEqualTo(2);
    assertThat(orderService.status(pending)).isEqualTo(Status.PENDING);
    assertThat(orderService.status(cancelling)).isEqualTo(Status.CANCELLING);
    assertThat(orderService.status(expiring)).isEqualTo(Status.EXPIRING);
    assertThat(output).contains("stillPending=3 failed=0 moreDue=false exitCode=2");
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
    orderService.onSettle(
        order -> order.id().equals(failing) ? Answer.error(500) : Answer.status(Status.CONFIRMED));

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
  void ordersThatStayUnsettledDoNotHideTheOnesBehindThem(CapturedOutput output) {
    List<UUID> stuck =
        List.of(
            orderService.addPending(Duration.ofMinutes(9)),
            orderService.addPending(Duration.ofMinutes(8)));
    UUID behind = orderService.addPending(Duration.ofMinutes(7));
    UUID last = orderService.add(Status.CANCELLING, Duration.ofMinutes(6));
    orderService.onSettle(
        order ->
            stuck.contains(order.id())
                ? Answer.status(Status.PENDING)
                : order.status() == Status.CANCELLING
                    ? Answer.status(Status.CANCELLED)
                    : Answer.status(Status.CONFIRMED));

    // The first page stays PENDING; the next page starts after its last order, not at the head.
    assertThat(runBatch("--shop.batch.page-size=2")).isEqualTo(2);
    assertThat(orderService.calls())
        .filteredOn(call -> call.startsWith("settle "))
        .extracting(call -> call.substring("settle ".length(), "settle ".length() + 36))
        .containsExactly(
            stuck.get(0).toString(), stuck.get(1).toString(), behind.toString(), last.toString());
    assertThat(orderService.calls())
        .filteredOn(call -> call.startsWith("GET "))
        .element(1)
        .asString()
        .contains("after=" + stuck.get(1));
    assertThat(orderService.status(behind)).isEqualTo(Status.CONFIRMED);
    assertThat(output).contains("confirmed=1").contains("cancelled=1").contains("stillPending=2");
  }

  @Test
  void atMostMaxOrdersPerRunAndTheRestIsLeftForTheNextRun(CapturedOutput output) {
    Stream.generate(() -> orderService.addPending(Duration.ofMinutes(5))).limit(5).toList();

    assertThat(runBatch("--shop.batch.max-orders=3")).isEqualTo(2);
    assertThat(orderService.calls()).filteredOn(call -> call.startsWith("settle ")).hasSize(3);
    assertThat(output).contains("confirmed=3").contains("moreDue=true exitCode=2");
  }

  @Test
  void aRefusedClientSecretStopsTheRunWithExitOneWithoutShowingTheSecret(CapturedOutput output) {
    orderService.addPending(Duration.ofMinutes(5));

    assertThat(runBatch("--shop.auth.client-secret=not-the-secret")).isEqualTo(1);
    assertThat(output).contains("Reconciliation stopped").doesNotContain("not-the-secret");
    assertThat(issuer.tokensIssued()).isZero();
  }

  @Test
  void oneTokenServesTheWholeRun() {
    for (int i = 0; i < 5; i++) {
      orderService.addPending(Duration.ofMinutes(5));
    }

    assertThat(runBatch("--shop.batch.page-size=2")).isZero();
    assertThat(issuer.tokensIssued()).isOne();
  }

  /** Runs the job as its main method does, without the final System.exit. */
  private int runBatch(String... settings) {
    List<String> args = new ArrayList<>();
    args.add("--shop.batch.order-service-url=" + orderService.uri());
    args.add("--shop.auth.url=" + issuer.url());
    args.add("--shop.auth.client-secret=" + SECRET);
    args.add("--spring.main.banner-mode=off");
    args.addAll(List.of(settings));
    return SpringApplication.exit(
        SpringApplication.run(BatchApplication.class, args.toArray(String[]::new)));
  }
}
