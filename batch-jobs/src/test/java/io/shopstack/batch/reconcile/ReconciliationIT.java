package io.shopstack.batch.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.shopstack.batch.reconcile.OrderServiceStub.order;
import static io.shopstack.batch.reconcile.OrderServiceStub.problem;
import static io.shopstack.batch.reconcile.OrderServiceStub.settlePath;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.batch.BatchApplication;
import io.shopstack.batch.reconcile.Order.Status;
import io.shopstack.testsupport.TestIssuer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The batch job run in-process, as the CronJob runs it, against WireMock in place of order-service
 * on loopback. Each test stubs the unsettled orders order-service lists as due and what settling
 * each does, runs the job once and checks what it asked order-service to do, the exit code and the
 * summary line it logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReconciliationIT {

  static final String SECRET = "test-batch-secret";
  static final Duration RECONCILE_AFTER = Duration.ofMinutes(1);
  static final int PAGE_SIZE = 100;
  final OrderServiceStub orderService = OrderServiceStub.started();
  final TestIssuer issuer =
      TestIssuer.start().acceptClient("batch-jobs", SECRET, "orders:settle", "order-service");

  @AfterEach
  void stopOrderService() {
    orderService.stop();
    issuer.close();
  }

  @Test
  void dueOrdersAreSettledAndTheJobExitsZero(CapturedOutput output) {
    Order confirmed = order(Status.PENDING, Duration.ofMinutes(5));
    Order rejected = order(Status.PENDING, Duration.ofMinutes(10));
    Order old = order(Status.PENDING, Duration.ofHours(2));
    Order cancelling = order(Status.CANCELLING, Duration.ofSeconds(3));
    Order expiring = order(Status.EXPIRING, Duration.ofHours(1));
    Order tooRecent = order(Status.PENDING, Duration.ofSeconds(10));
    // order-service decides by its database's clock what is due for each order; here as it would:
    // all but the order younger than reconcile-after, old ones expired.
    orderService.due(RECONCILE_AFTER, PAGE_SIZE, old, expiring, rejected, confirmed, cancelling);
    orderService.settles(rejected, Status.REJECTED);
    orderService.settles(old, Status.EXPIRED);

    int exitCode = runBatch();

    assertThat(exitCode).isZero();
    assertThat(orderService.requests().getFirst())
        .isEqualTo("GET /internal/orders/due?reconcileAfter=PT1M&limit=100");
    for (Order order : List.of(confirmed, rejected, old, cancelling, expiring)) {
      assertThat(orderService.settleCalls(order.id()))
          .containsExactly("POST " + settlePath(order.id()) + "?expireAfter=PT30M");
    }
    assertThat(orderService.settleCalls(tooRecent.id())).isEmpty();
    assertThat(orderService.settledAs(tooRecent.id())).as("left PENDING").isEmpty();
    assertThat(output)
        .contains(
            "Reconciliation finished: confirmed=1 rejected=1 expired=2 cancelled=1"
                + " stillPending=0 failed=0 moreDue=false exitCode=0");
  }

  @Test
  void agesComeFromTheSettings() {
    Order order = order(Status.PENDING, Duration.ofMinutes(10));
    orderService.due(Duration.ofMinutes(5), PAGE_SIZE, order);

    int exitCode = runBatch("--shop.batch.reconcile-after=5m", "--shop.batch.expire-after=8m");

    assertThat(exitCode).isZero();
    assertThat(orderService.requests().getFirst()).contains("reconcileAfter=PT5M");
    assertThat(orderService.settleCalls(order.id()))
        .containsExactly("POST " + settlePath(order.id()) + "?expireAfter=PT8M");
  }

  @Test
  void noDueOrdersExitsZero(CapturedOutput output) {
    // order-service's only order is 5 s old: nothing is due yet.
    orderService.due(RECONCILE_AFTER, PAGE_SIZE);

    assertThat(runBatch()).isZero();
    assertThat(output).contains("confirmed=0 rejected=0 expired=0").contains("exitCode=0");
  }

  @Test
  void ordersStillUnsettledExitTwo(CapturedOutput output) {
    Order pending = order(Status.PENDING, Duration.ofMinutes(5));
    Order cancelling = order(Status.CANCELLING, Duration.ofMinutes(5));
    Order expiring = order(Status.EXPIRING, Duration.ofHours(1));
    orderService.due(RECONCILE_AFTER, PAGE_SIZE, expiring, pending, cancelling);
    // Inventory still unreachable: order-service answers each order as it is.
    for (Order order : List.of(pending, cancelling, expiring)) {
      orderService.settles(order, order.status());
    }

    assertThat(runBatch()).isEqualTo(2);
    assertThat(orderService.settledAs(pending.id())).hasValue(Status.PENDING);
    assertThat(orderService.settledAs(cancelling.id())).hasValue(Status.CANCELLING);
    assertThat(orderService.settledAs(expiring.id())).hasValue(Status.EXPIRING);
    assertThat(output).contains("stillPending=3 failed=0 moreDue=false exitCode=2");
  }

  @Test
  void unreachableOrderServiceExitsOne(CapturedOutput output) {
    orderService.stop();

    assertThat(runBatch()).isEqualTo(1);
    assertThat(output)
        .contains("Reconciliation stopped")
        .contains("failed=1")
        .contains("exitCode=1");
  }

  @Test
  void failingOrderServiceExitsOne() {
    orderService.due(RECONCILE_AFTER, PAGE_SIZE, order(Status.PENDING, Duration.ofMinutes(5)));
    orderService.stubFor(any(anyUrl()).willReturn(problem(500)));

    assertThat(runBatch()).isEqualTo(1);
    assertThat(orderService.requests()).singleElement().asString().startsWith("GET ");
  }

  @Test
  void anOrderThatFailsDoesNotStopTheOthersButTheJobExitsOne(CapturedOutput output) {
    Order failing = order(Status.PENDING, Duration.ofMinutes(10));
    Order fine = order(Status.PENDING, Duration.ofMinutes(5));
    orderService.due(RECONCILE_AFTER, PAGE_SIZE, failing, fine);
    orderService.stubFor(post(urlPathEqualTo(settlePath(failing.id()))).willReturn(problem(500)));

    assertThat(runBatch()).isEqualTo(1);
    assertThat(orderService.settledAs(fine.id())).hasValue(Status.CONFIRMED);
    assertThat(output).contains("confirmed=1").contains("failed=1").contains("exitCode=1");
  }

  @Test
  void dueOrdersAreFetchedPageByPage() {
    Order[] due = pendingFor5Minutes(5);
    orderService.due(RECONCILE_AFTER, 2, due);

    assertThat(runBatch("--shop.batch.page-size=2")).isZero();
    assertThat(due)
        .allSatisfy(
            order -> assertThat(orderService.settledAs(order.id())).hasValue(Status.CONFIRMED));
    assertThat(orderService.requests()).filteredOn(call -> call.startsWith("GET ")).hasSize(3);
  }

  @Test
  void ordersThatStayUnsettledDoNotHideTheOnesBehindThem(CapturedOutput output) {
    List<Order> stuck =
        List.of(
            order(Status.PENDING, Duration.ofMinutes(9)),
            order(Status.PENDING, Duration.ofMinutes(8)));
    Order behind = order(Status.PENDING, Duration.ofMinutes(7));
    Order last = order(Status.CANCELLING, Duration.ofMinutes(6));
    orderService.due(RECONCILE_AFTER, 2, stuck.get(0), stuck.get(1), behind, last);
    stuck.forEach(order -> orderService.settles(order, Status.PENDING));

    // The first page stays PENDING; the next page starts after its last order, not at the head.
    assertThat(runBatch("--shop.batch.page-size=2")).isEqualTo(2);
    assertThat(orderService.requests())
        .filteredOn(call -> call.startsWith("POST "))
        .extracting(call -> call.substring("POST /internal/orders/".length()).substring(0, 36))
        .containsExactly(
            stuck.get(0).id().toString(),
            stuck.get(1).id().toString(),
            behind.id().toString(),
            last.id().toString());
    assertThat(orderService.requests())
        .filteredOn(call -> call.startsWith("GET "))
        .element(1)
        .asString()
        .contains("after=" + stuck.get(1).id());
    assertThat(orderService.settledAs(behind.id())).hasValue(Status.CONFIRMED);
    assertThat(output).contains("confirmed=1").contains("cancelled=1").contains("stillPending=2");
  }

  @Test
  void atMostMaxOrdersPerRunAndTheRestIsLeftForTheNextRun(CapturedOutput output) {
    orderService.due(RECONCILE_AFTER, PAGE_SIZE, pendingFor5Minutes(5));

    assertThat(runBatch("--shop.batch.max-orders=3")).isEqualTo(2);
    assertThat(orderService.requests()).filteredOn(call -> call.startsWith("POST ")).hasSize(3);
    assertThat(output).contains("confirmed=3").contains("moreDue=true exitCode=2");
  }

  @Test
  void aRefusedClientSecretStopsTheRunWithExitOneWithoutShowingTheSecret(CapturedOutput output) {
    orderService.due(RECONCILE_AFTER, PAGE_SIZE, order(Status.PENDING, Duration.ofMinutes(5)));

    assertThat(runBatch("--shop.auth.client-secret=not-the-secret")).isEqualTo(1);
    assertThat(output).contains("Reconciliation stopped").doesNotContain("not-the-secret");
    assertThat(issuer.tokensIssued()).isZero();
  }

  @Test
  void oneTokenServesTheWholeRun() {
    orderService.due(RECONCILE_AFTER, 2, pendingFor5Minutes(5));

    assertThat(runBatch("--shop.batch.page-size=2")).isZero();
    assertThat(issuer.tokensIssued()).isOne();
  }

  private static Order[] pendingFor5Minutes(int count) {
    return Stream.generate(() -> order(Status.PENDING, Duration.ofMinutes(5)))
        .limit(count)
        .toArray(Order[]::new);
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
