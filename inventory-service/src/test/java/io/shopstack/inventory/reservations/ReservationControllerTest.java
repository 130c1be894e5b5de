package io.shopstack.inventory.reservations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

import io.shopstack.inventory.SliceSecurity;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * The reservation endpoints over a mocked {@link Reservations}: the status codes and JSON of each
 * outcome, and a 4xx problem document for every kind of bad input, which never reaches the
 * reservation rule.
 */
@WebMvcTest(ReservationController.class)
@Import(SliceSecurity.class)
class ReservationControllerTest {

  static final UUID ORDER = UUID.fromString("7d9f8a52-3c1e-4b8e-9a43-1f2d3c4b5a69");
  static final String PROBLEMS = "https://shop.example/problems/";

  @Autowired MockMvcTester mvc;
  @MockitoBean Reservations reservations;

  @Test
  void reservesWithCreated() {
    List<ReservationLine> lines = List.of(new ReservationLine("SKU-RED-MUG", 2));
    given(reservations.reserve(ORDER, lines))
        .willReturn(new Reservation(ORDER, ReservationStatus.RESERVED, lines));

    MvcTestResult result = reserve(body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 2}"));

    assertThat(result)
        .hasStatus(201)
        .hasHeader("Location", "/internal/inventory/reservations/" + ORDER)
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"orderId": "%s", "status": "RESERVED", "lines": [{"sku": "SKU-RED-MUG", "quantity": 2}]}"""
                .formatted(ORDER));
  }

  @Test
  void rejectionIsConflictWithShortLines() {
    given(reservations.reserve(eq(ORDER), any()))
        .willThrow(
            ReservationProblems.insufficientStock(
                ORDER, List.of(new ShortLine("SKU-RED-MUG", 5, 3))));

    MvcTestResult result = reserve(body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 5}"));

    assertProblem(result, 409);
    assertThat(result)
        .bodyJson()
        .isLenientlyEqualTo(
            """
            {"type": "%sinsufficient-stock", "orderId": "%s",
             "lines": [{"sku": "SKU-RED-MUG", "requested": 5, "available": 3}]}"""
                .formatted(PROBLEMS, ORDER));
  }

  @Test
  void releasedOrderIsConflict() {
    given(reservations.reserve(eq(ORDER), any())).willThrow(ReservationProblems.released(ORDER));

    MvcTestResult result = reserve(body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 1}"));

    assertProblem(result, 409);
    assertThat(result)
        .bodyJson()
        .isLenientlyEqualTo(
            """
            {"type": "%sreservation-released", "orderId": "%s"}"""
                .formatted(PROBLEMS, ORDER));
  }

  @Test
  void sameOrderWithOtherLinesIsUnprocessable() {
    given(reservations.reserve(eq(ORDER), any())).willThrow(ReservationProblems.mismatch(ORDER));

    MvcTestResult result = reserve(body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 1}"));

    assertProblem(result, 422);
    assertThat(result)
        .bodyJson()
        .isLenientlyEqualTo("{\"type\": \"%sreservation-mismatch\"}".formatted(PROBLEMS));
  }

  @Test
  void getsReservation() {
    given(reservations.find(ORDER))
        .willReturn(Optional.of(new Reservation(ORDER, ReservationStatus.RELEASED, List.of())));

    assertThat(mvc.get().uri("/internal/inventory/reservations/{id}", ORDER))
        .hasStatusOk()
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"orderId": "%s", "status": "RELEASED", "lines": []}"""
                .formatted(ORDER));
  }

  @Test
  void unknownReservationIsNotFound() {
    given(reservations.find(ORDER)).willReturn(Optional.empty());

    MvcTestResult result = mvc.get().uri("/internal/inventory/reservations/{id}", ORDER).exchange();

    assertProblem(result, 404);
    assertThat(result)
        .bodyJson()
        .isLenientlyEqualTo("{\"type\": \"%sreservation-not-found\"}".formatted(PROBLEMS));
  }

  @Test
  void releases() {
    given(reservations.release(ORDER))
        .willReturn(new Reservation(ORDER, ReservationStatus.RELEASED, List.of()));

    assertThat(mvc.post().uri("/internal/inventory/reservations/{id}/release", ORDER))
        .hasStatusOk()
        .bodyJson()
        .isLenientlyEqualTo("{\"orderId\": \"%s\", \"status\": \"RELEASED\"}".formatted(ORDER));
  }

  @Test
  void badOrderIdInPathIsBadRequest() {
    assertProblem(mvc.get().uri("/internal/inventory/reservations/not-a-uuid").exchange(), 400);
    assertProblem(mvc.post().uri("/internal/inventory/reservations/42/release").exchange(), 400);
    verifyNoInteractions(reservations);
  }

  @Test
  void badBodiesAreBadRequests() {
    String line = "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 1}";
    for (String body :
        List.of(
            "",
            "{",
            "[]",
            "{\"lines\": [" + line + "]}",
            "{\"orderId\": null, \"lines\": [" + line + "]}",
            "{\"orderId\": \"not-a-uuid\", \"lines\": [" + line + "]}",
            "{\"orderId\": 42, \"lines\": [" + line + "]}",
            "{\"orderId\": \"" + ORDER + "\"}",
            body(ORDER, ""),
            body(ORDER, "null"),
            body(ORDER, lines(51)),
            body(ORDER, "{\"quantity\": 1}"),
            body(ORDER, "{\"sku\": \"SKU-RED-MUG\"}"),
            body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 0}"),
            body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": -1}"),
            body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 10001}"),
            body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 1.5}"),
            body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": \"2\"}"),
            body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 1e10}"),
            body(ORDER, "{\"sku\": \"red-mug\", \"quantity\": 1}"),
            body(ORDER, "{\"sku\": \"-RED-MUG\", \"quantity\": 1}"),
            body(ORDER, "{\"sku\": \"\", \"quantity\": 1}"),
            body(ORDER, "{\"sku\": \"" + "A".repeat(65) + "\", \"quantity\": 1}"),
            body(ORDER, "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 1, \"price\": 3}"),
            "{\"orderId\": \"" + ORDER + "\", \"lines\": [" + line + "], \"note\": \"x\"}")) {
      assertProblem(reserve(body), 400);
    }
    verifyNoInteractions(reservations);
  }

  @Test
  void invalidFieldsAreNamed() {
    MvcTestResult result =
        reserve(
            body(
                ORDER,
                "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 1}, {\"sku\": \"bad\", \"quantity\": 0}"));

    assertThat(result)
        .bodyJson()
        .isLenientlyEqualTo(
            """
            {"status": 400, "errors": [{"field": "lines[1].quantity"}, {"field": "lines[1].sku"}]}""");
  }

  @Test
  void fiftyLinesAreAllowed() {
    given(reservations.reserve(eq(ORDER), any()))
        .willReturn(new Reservation(ORDER, ReservationStatus.RESERVED, List.of()));

    assertThat(reserve(body(ORDER, lines(50)))).hasStatus(201);
  }

  @Test
  void oversizedBodyIsTooLarge() {
    String padding = "{\"sku\": \"SKU-RED-MUG\", \"quantity\": 1}, ".repeat(2000);

    assertProblem(reserve(body(ORDER, padding + "{\"sku\": \"SKU-A\", \"quantity\": 1}")), 413);
    verifyNoInteractions(reservations);
  }

  @Test
  void wrongContentTypeIsUnsupported() {
    MvcTestResult result =
        mvc.post()
            .uri("/internal/inventory/reservations")
            .contentType(MediaType.APPLICATION_XML)
            .content("<reservation/>")
            .exchange();

    assertProblem(result, 415);
    verifyNoInteractions(reservations);
  }

  @Test
  void wrongMethodIsNotAllowed() {
    assertProblem(mvc.delete().uri("/internal/inventory/reservations/{id}", ORDER).exchange(), 405);
  }

  private MvcTestResult reserve(String body) {
    return mvc.post()
        .uri("/internal/inventory/reservations")
        .contentType(MediaType.APPLICATION_JSON)
        .content(body)
        .exchange();
  }

  private static String body(UUID orderId, String lines) {
    return "{\"orderId\": \"%s\", \"lines\": [%s]}".formatted(orderId, lines);
  }

  private static String lines(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "{\"sku\": \"SKU-%d\", \"quantity\": 1}".formatted(i))
        .collect(Collectors.joining(", "));
  }

  static void assertProblem(MvcTestResult result, int status) {
    assertThat(result).hasStatus(status);
    assertThat(result).contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(result).bodyJson().extractingPath("$.status").isEqualTo(status);
  }
}
