package io.shopstack.inventory.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.testsupport.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.ErrorResponseException;

/**
 * Many reservations and releases at once on a real PostgreSQL, released together from a gate on
 * virtual threads: stock is never oversold, an order id reserves at most once however many times it
 * is sent at the same moment, stock comes back exactly once, and orders asking for the same items
 * in opposite orders do not deadlock.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ReservationConcurrencyIT {

  static final AtomicInteger skus = new AtomicInteger();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
  }

  @Autowired Reservations reservations;
  @Autowired JdbcClient jdbc;

  @Test
  void fiftyOrdersCompetingForTwentyUnitsGetExactlyTwenty() throws Exception {
    String mug = newItem(20);

    List<String> outcomes =
        concurrently(50, i -> reserve(UUID.randomUUID(), new ReservationLine(mug, 1)));

    assertThat(outcomes).filteredOn("RESERVED"::equals).hasSize(20);
    assertThat(outcomes).filteredOn("insufficient-stock"::equals).hasSize(30);
    assertThat(stock(mug)).isZero();
    assertThat(reservedUnits(mug)).isEqualTo(20);
    assertThat(reservationsOf(mug, ReservationStatus.REJECTED)).isEqualTo(30);
  }

  @Test
  void oneOrderSentTenTimesAtOnceReservesOnce() throws Exception {
    String mug = newItem(100);
    UUID order = UUID.randomUUID();

    List<String> outcomes = concurrently(10, i -> reserve(order, new ReservationLine(mug, 3)));

    assertThat(outcomes).containsOnly("RESERVED").hasSize(10);
    assertThat(stock(mug)).isEqualTo(97);
    assertThat(reservationsOf(mug, ReservationStatus.RESERVED)).isEqualTo(1);
  }

  @Test
  void oneShortOrderSentTenTimesAtOnceIsRejectedOnce() throws Exception {
    String mug = newItem(1);
    UUID order = UUID.randomUUID();

    List<String> outcomes = concurrently(10, i -> reserve(order, new ReservationLine(mug, 2)));

    assertThat(outcomes).containsOnly("insufficient-stock").hasSize(10);
    assertThat(stock(mug)).isEqualTo(1);
    assertThat(reservationsOf(mug, ReservationStatus.REJECTED)).isEqualTo(1);
  }

  @Test
  void tenReleasesAtOnceGiveStockBackOnce() throws Exception {
    String mug = newItem(10);
    UUID order = UUID.randomUUID();
    reservations.reserve(order, List.of(new ReservationLine(mug, 5)));

    List<ReservationStatus> outcomes = concurrently(10, i -> reservations.release(order).status());

    assertThat(outcomes).containsOnly(ReservationStatus.RELEASED).hasSize(10);
    assertThat(stock(mug)).isEqualTo(10);
  }

  @Test
  void releasesRacingReservationsOfTheSameOrdersLeaveNoStockHeld() throws Exception {
    String mug = newItem(100);
    List<UUID> orders = IntStream.range(0, 20).mapToObj(i -> UUID.randomUUID()).toList();

    // Even tasks reserve an order, odd tasks release the same order: whichever comes first.
    concurrently(
        40,
        i ->
            i % 2 == 0
                ? reserve(orders.get(i / 2), new ReservationLine(mug, 2))
                : reservations.release(orders.get(i / 2)).status().name());

    assertThat(stock(mug)).isEqualTo(100);
    assertThat(orders)
        .allSatisfy(
            order ->
                assertThat(reservations.find(order))
                    .get()
                    .extracting(Reservation::status)
                    .isEqualTo(ReservationStatus.RELEASED));
  }

  @Test
  void ordersTakingTheSameItemsInOppositeOrderDoNotDeadlock() throws Exception {
    String mug = newItem(100);
    String pan = newItem(100);

    List<String> outcomes =
        concurrently(
            40,
            i ->
                i % 2 == 0
                    ? reserve(
                        UUID.randomUUID(), new ReservationLine(mug, 1), new ReservationLine(pan, 1))
                    : reserve(
                        UUID.randomUUID(),
                        new ReservationLine(pan, 1),
                        new ReservationLine(mug, 1)));

    assertThat(outcomes).containsOnly("RESERVED").hasSize(40);
    assertThat(stock(mug)).isEqualTo(60);
    assertThat(stock(pan)).isEqualTo(60);
  }

  /** RESERVED, or the type of the problem that answered instead. */
  private String reserve(UUID order, ReservationLine... lines) {
    try {
      return reservations.reserve(order, List.of(lines)).status().name();
    } catch (ErrorResponseException e) {
      String type = e.getBody().getType().toString();
      return type.substring(type.lastIndexOf('/') + 1);
    }
  }

  /**
   * Runs the tasks on virtual threads, all let go at the same moment, and returns their results.
   */
  private static <T> List<T> concurrently(int count, IntFunction<T> task) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        Callable<T> call =
            () -> {
              start.await();
              return task.apply(n);
            };
        futures.add(threads.submit(call));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }

  private String newItem(int stock) {
    String sku = "SKU-RACE-" + skus.incrementAndGet();
    jdbc.sql("insert into item (sku, name, available) values (:sku, 'Test item', :stock)")
        .param("sku", sku)
        .param("stock", stock)
        .update();
    // As the internal API would: the stock comes in as an adjustment (V3__stock_adjustments.sql).
    jdbc.sql("insert into stock_adjustment (id, sku, change) values (:id, :sku, :stock)")
        .param("id", UUID.randomUUID())
        .param("sku", sku)
        .param("stock", stock)
        .update();
    return sku;
  }

  private int stock(String sku) {
    return jdbc.sql("select available from item where sku = :sku")
        .param("sku", sku)
        .query(Integer.class)
        .single();
  }

  private int reservedUnits(String sku) {
    return jdbc.sql(
            """
            select coalesce(sum(l.quantity), 0) from reservation_line l
            join reservation r on r.order_id = l.order_id
            where l.sku = :sku and r.status = 'RESERVED'""")
        .param("sku", sku)
        .query(Integer.class)
        .single();
  }

  private int reservationsOf(String sku, ReservationStatus status) {
    return jdbc.sql(
            """
            select count(*) from reservation_line l
            join reservation r on r.order_id = l.order_id
            where l.sku = :sku and r.status = :status""")
        .param("sku", sku)
        .param("status", status.name())
        .query(Integer.class)
        .single();
  }
}
