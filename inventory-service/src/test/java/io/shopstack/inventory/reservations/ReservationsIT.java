package io.shopstack.inventory.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.shopstack.inventory.SliceSecurity;
import io.shopstack.testsupport.TestPostgres;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * Reservations through the HTTP API on a real PostgreSQL: all lines or none, a repeat answers the
 * first outcome without reserving again, a release gives stock back exactly once, and a release
 * that comes before the reservation makes the late reservation reserve nothing. Each test works on
 * items of its own. Requests carry a token that may do everything here (SliceSecurity).
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import(SliceSecurity.class)
class ReservationsIT {

  static final String PROBLEMS = "https://shop.example/problems/";
  static final AtomicInteger skus = new AtomicInteger();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
  }

  @Autowired MockMvcTester mvc;
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;

  @Test
  void reservesEveryLine() {
    String mug = newItem(10);
    String pan = newItem(10);
    UUID order = UUID.randomUUID();

    MvcTestResult result = reserve(order, line(pan, 1), line(mug, 3));

    assertThat(result)
        .hasStatus(201)
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"orderId": "%s", "status": "RESERVED",
             "lines": [{"sku": "%s", "quantity": 3}, {"sku": "%s", "quantity": 1}]}"""
                .formatted(order, mug, pan));
    assertThat(stock(mug)).isEqualTo(7);
    assertThat(stock(pan)).isEqualTo(9);
    assertThat(mvc.get().uri("/internal/inventory/reservations/{id}", order))
        .hasStatusOk()
        .bodyJson()
        .extractingPath("$.status")
        .isEqualTo("RESERVED");
  }

  @Test
  void repeatAnswersTheFirstOutcomeAndReservesOnce() throws Exception {
    String mug = newItem(10);
    UUID order = UUID.randomUUID();
    double replayed = count("replayed");

    String first = reserve(order, line(mug, 4)).getResponse().getContentAsString();
    setStock(mug, 0);
    MvcTestResult repeat = reserve(order, line(mug, 4));

    assertThat(repeat).hasStatus(201).bodyJson().isStrictlyEqualTo(first);
    assertThat(stock(mug)).isZero();
    assertThat(count("replayed")).isEqualTo(replayed + 1);
  }

  @Test
  void linesOfOneSkuAreSummed() {
    String mug = newItem(10);
    UUID order = UUID.randomUUID();

    assertThat(reserve(order, line(mug, 1), line(mug, 2)))
        .hasStatus(201)
        .bodyJson()
        .extractingPath("$.lines")
        .isEqualTo(List.of(Map.of("sku", mug, "quantity", 3)));
    assertThat(stock(mug)).isEqualTo(7);
    assertThat(reserve(order, line(mug, 3))).as("the same request, summed").hasStatus(201);
    assertThat(stock(mug)).isEqualTo(7);
  }

  @Test
  void rejectsAllLinesWhenOneIsShortAndRecordsIt() {
    String mug = newItem(5);
    String pan = newItem(1);
    String unknown = "SKU-IT-UNKNOWN-" + skus.incrementAndGet();
    UUID order = UUID.randomUUID();
    double rejected = count("rejected");

    MvcTestResult result = reserve(order, line(mug, 2), line(pan, 2), line(unknown, 1));

    assertProblem(result, 409, "insufficient-stock");
    String shortLines =
        """
        {"orderId": "%s", "lines": [{"sku": "%s", "requested": 2, "available": 1},
                                    {"sku": "%s", "requested": 1, "available": 0}]}"""
            .formatted(order, pan, unknown);
    assertThat(result).bodyJson().isLenientlyEqualTo(shortLines);
    assertThat(stock(mug)).as("the line that could be served was given back").isEqualTo(5);
    assertThat(stock(pan)).isEqualTo(1);
    assertThat(count("rejected")).isEqualTo(rejected + 1);
    assertThat(mvc.get().uri("/internal/inventory/reservations/{id}", order))
        .bodyJson()
        .extractingPath("$.status")
        .isEqualTo("REJECTED");

    setStock(pan, 100);
    MvcTestResult repeat = reserve(order, line(mug, 2), line(pan, 2), line(unknown, 1));

    assertProblem(repeat, 409, "insufficient-stock");
    assertThat(repeat).bodyJson().isLenientlyEqualTo(shortLines);
    assertThat(stock(mug)).isEqualTo(5);
    assertThat(stock(pan)).isEqualTo(100);
  }

  @Test
  void sameOrderWithOtherLinesIsUnprocessable() {
    String mug = newItem(10);
    UUID order = UUID.randomUUID();
    reserve(order, line(mug, 1));

    assertProblem(reserve(order, line(mug, 2)), 422, "reservation-mismatch");
    assertThat(stock(mug)).isEqualTo(9);
  }

  @Test
  void releaseGivesStockBackOnce() {
    String mug = newItem(10);
    String pan = newItem(10);
    UUID order = UUID.randomUUID();
    reserve(order, line(mug, 3), line(pan, 1));

    assertThat(release(order))
        .hasStatusOk()
        .bodyJson()
        .extractingPath("$.status")
        .isEqualTo("RELEASED");
    assertThat(stock(mug)).isEqualTo(10);
    assertThat(stock(pan)).isEqualTo(10);

    assertThat(release(order))
        .hasStatusOk()
        .bodyJson()
        .extractingPath("$.status")
        .isEqualTo("RELEASED");
    assertThat(stock(mug)).isEqualTo(10);

    assertProblem(reserve(order, line(mug, 3), line(pan, 1)), 409, "reservation-released");
    assertThat(stock(mug)).isEqualTo(10);
  }

  @Test
  void releasingARejectedReservationChangesNothing() {
    String mug = newItem(1);
    UUID order = UUID.randomUUID();
    reserve(order, line(mug, 2));

    assertThat(release(order))
        .hasStatusOk()
        .bodyJson()
        .extractingPath("$.status")
        .isEqualTo("REJECTED");
    assertThat(stock(mug)).isEqualTo(1);
    assertProblem(reserve(order, line(mug, 2)), 409, "insufficient-stock");
  }

  @Test
  void releaseBeforeReservationMakesTheLateReservationReserveNothing() {
    String mug = newItem(10);
    UUID order = UUID.randomUUID();

    assertThat(release(order))
        .hasStatusOk()
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"orderId": "%s", "status": "RELEASED", "lines": []}"""
                .formatted(order));

    assertProblem(reserve(order, line(mug, 1)), 409, "reservation-released");
    assertThat(stock(mug)).isEqualTo(10);
    assertThat(mvc.get().uri("/internal/inventory/reservations/{id}", order))
        .bodyJson()
        .extractingPath("$.status")
        .isEqualTo("RELEASED");
  }

  @Test
  void unknownReservationIsNotFound() {
    assertProblem(
        mvc.get().uri("/internal/inventory/reservations/{id}", UUID.randomUUID()).exchange(),
        404,
        "reservation-not-found");
  }

  private MvcTestResult reserve(UUID order, String... lines) {
    return mvc.post()
        .uri("/internal/inventory/reservations")
        .contentType(MediaType.APPLICATION_JSON)
        .content(
            "{\"orderId\": \"%s\", \"lines\": [%s]}".formatted(order, String.join(", ", lines)))
        .exchange();
  }

  private MvcTestResult release(UUID order) {
    return mvc.post().uri("/internal/inventory/reservations/{id}/release", order).exchange();
  }

  private static String line(String sku, int quantity) {
    return "{\"sku\": \"%s\", \"quantity\": %d}".formatted(sku, quantity);
  }

  private String newItem(int stock) {
    String sku = "SKU-IT-" + skus.incrementAndGet();
    assertThat(
            mvc.put()
                .uri("/internal/inventory/items/{sku}", sku)
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\": \"Test item\"}"))
        .hasStatus(201);
    if (stock > 0) {
      setStock(sku, stock);
    }
    return sku;
  }

  /** Stock is only ever adjusted: by the difference to what it is now. */
  private void setStock(String sku, int stock) {
    assertThat(
            mvc.put()
                .uri("/internal/inventory/items/{sku}/adjustments/{id}", sku, UUID.randomUUID())
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"change\": %d}".formatted(stock - stock(sku))))
        .hasStatus(201);
  }

  private int stock(String sku) {
    return jdbc.sql("select available from item where sku = :sku")
        .param("sku", sku)
        .query(Integer.class)
        .single();
  }

  private double count(String outcome) {
    return meters.counter("shop.inventory.reservations", "outcome", outcome).count();
  }

  private static void assertProblem(MvcTestResult result, int status, String type) {
    assertThat(result).hasStatus(status);
    assertThat(result).contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(result).bodyJson().extractingPath("$.type").isEqualTo(PROBLEMS + type);
  }
}
