package io.shopstack.inventory.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstack.inventory.reservations.ReservationLine;
import io.shopstack.inventory.reservations.Reservations;
import io.shopstack.testsupport.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.ErrorResponseException;

/**
 * Stock adjustments on a real PostgreSQL: one id applies once however often and however
 * concurrently it is sent, a refused adjustment leaves no trace, and adjustments racing with
 * reservations and releases never lose one another's changes: the ledger (the sum of the
 * adjustments) minus the stock is always exactly what the RESERVED reservations hold.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class StockAdjustmentsIT {

  static final AtomicInteger skus = new AtomicInteger();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
  }

  @Autowired StockAdjustments adjustments;
  @Autowired ItemRepository items;
  @Autowired Reservations reservations;
  @Autowired JdbcClient jdbc;

  @Test
  void oneAdjustmentSentTenTimesAtOnceAppliesOnce() throws Exception {
    String sku = newItem();
    UUID id = UUID.randomUUID();

    List<Boolean> applied = concurrently(10, i -> adjustments.apply(id, sku, 7).applied());

    assertThat(applied).containsOnlyOnce(true).hasSize(10);
    assertThat(items.available(sku)).isEqualTo(7);
    assertThat(ledger(sku)).isEqualTo(7);
  }

  @Test
  void anIdUsedForAnotherChangeIsRefusedAndChangesNothing() {
    String sku = newItem();
    UUID id = UUID.randomUUID();
    adjustments.apply(id, sku, 5);

    assertThatThrownBy(() -> adjustments.apply(id, sku, 6))
        .isInstanceOfSatisfying(
            ErrorResponseException.class,
            e -> assertThat(e.getStatusCode().value()).isEqualTo(422));
    assertThat(items.available(sku)).isEqualTo(5);
  }

  @Test
  void aChangeBelowZeroIsRefusedAndNotRecorded() {
    String sku = newItem();
    adjustments.apply(UUID.randomUUID(), sku, 3);
    UUID refused = UUID.randomUUID();

    assertThatThrownBy(() -> adjustments.apply(refused, sku, -4))
        .isInstanceOfSatisfying(
            ErrorResponseException.class,
            e -> assertThat(e.getStatusCode().value()).isEqualTo(409));
    assertThat(items.available(sku)).isEqualTo(3);
    assertThat(ledger(sku)).isEqualTo(3);
    // Not recorded, so the same id may be tried again once there is stock.
    adjustments.apply(UUID.randomUUID(), sku, 10);
    assertThat(adjustments.apply(refused, sku, -4).applied()).isTrue();
    assertThat(items.available(sku)).isEqualTo(9);
  }

  @Test
  void anUnknownSkuIsNotFound() {
    assertThatThrownBy(() -> adjustments.apply(UUID.randomUUID(), "SKU-NONE", 1))
        .isInstanceOfSatisfying(
            ErrorResponseException.class,
            e -> assertThat(e.getStatusCode().value()).isEqualTo(404));
  }

  @Test
  void adjustmentsRacingWithReservationsAndReleasesLoseNothing() throws Exception {
    String sku = newItem();
    adjustments.apply(UUID.randomUUID(), sku, 100);
    List<UUID> orders = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      orders.add(UUID.randomUUID());
    }

    concurrently(
        120,
        i -> {
          switch (i % 3) {
            case 0 -> adjustments.apply(UUID.randomUUID(), sku, i % 2 == 0 ? 3 : -1);
            case 1 -> reserve(orders.get(i / 3), sku);
            default -> reservations.release(orders.get((i / 3 + 7) % orders.size()));
          }
          return true;
        });

    assertThat(ledger(sku) - items.available(sku)).isEqualTo(held(sku));
  }

  private void reserve(UUID order, String sku) {
    try {
      reservations.reserve(order, List.of(new ReservationLine(sku, 2)));
    } catch (ErrorResponseException e) {
      // insufficient-stock or reservation-released: both are outcomes, not failures.
    }
  }

  private String newItem() {
    String sku = "SKU-ADJ-" + skus.incrementAndGet();
    assertThat(items.save(sku, "Test item")).isTrue();
    return sku;
  }

  private int ledger(String sku) {
    return jdbc.sql("select coalesce(sum(change), 0) from stock_adjustment where sku = :sku")
        .param("sku", sku)
        .query(Integer.class)
        .single();
  }

  private int held(String sku) {
    return jdbc.sql(
            """
            select coalesce(sum(l.quantity), 0) from reservation_line l
            join reservation r on r.order_id = l.order_id
            where l.sku = :sku and r.status = 'RESERVED'""")
        .param("sku", sku)
        .query(Integer.class)
        .single();
  }

  /** Runs the tasks on threads all let go at the same moment, and returns their results. */
  private static <T> List<T> concurrently(int count, java.util.function.IntFunction<T> task)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        futures.add(
            threads.submit(
                () -> {
                  start.await();
                  return task.apply(n);
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    }
  }
}
