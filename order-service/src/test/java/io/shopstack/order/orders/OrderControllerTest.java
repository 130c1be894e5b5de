package io.shopstack.order.orders;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.shopstack.order.inventory.Shortage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The public order API's web layer alone: every malformed request is a 4xx problem document that
 * says what is wrong (never a 5xx), and the lifecycle's outcomes become the contract's status
 * codes, headers and problems. Every request is the customer alice's (SliceSecurity); who may do
 * what is OrderSecurityTest's subject.
 */
@WebMvcTest(
    controllers = OrderController.class,
    properties = "logging.level.org.springframework.web.servlet.PageNotFound=ERROR")
@EnableConfigurationProperties(OrderProperties.class)
@Import(SliceSecurity.class)
class OrderControllerTest {

  private static final String VALID = "{\"lines\":[{\"sku\":\"A-1\",\"quantity\":2}]}";
  private static final UUID ID = UUID.fromString("0b6c1c9e-5f0e-4a53-9d3f-2f1c5b7e8a90");
  private static final Order ORDER =
      new Order(
          ID,
          "alice",
          OrderStatus.CONFIRMED,
          List.of(new OrderLine("A-1", 2)),
          Instant.parse("2026-01-01T10:00:00Z"),
          Instant.parse("2026-01-01T10:00:01Z"));

  @Autowired MockMvc mvc;
  @Autowired OrderProperties properties;
  @MockitoBean OrderLifecycle lifecycle;
  @MockitoBean OrderRepository orders;

  @AfterEach
  void restoreDefaultLimit() {
    properties.setMaxQuantityPerLine(100);
  }

  @Test
  void answers201WithLocationForAConfirmedOrder() throws Exception {
    given(lifecycle.place(eq("alice"), eq("key-1"), any()))
        .willReturn(new OrderLifecycle.Placement(ORDER, HttpStatus.CREATED, List.of()));

    placeOrder("key-1", VALID)
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/orders/" + ID))
        .andExpect(jsonPath("$.id").value(ID.toString()))
        .andExpect(jsonPath("$.status").value("CONFIRMED"))
        .andExpect(jsonPath("$.lines[0].sku").value("A-1"))
        .andExpect(jsonPath("$.lines[0].quantity").value(2))
        .andExpect(jsonPath("$.createdAt").value("2026-01-01T10:00:00Z"))
        .andExpect(jsonPath("$.updatedAt").value("2026-01-01T10:00:01Z"));
  }

  @Test
  void answers202WithLocationForAPendingOrder() throws Exception {
    Order pending =
        new Order(
            ID, "alice", OrderStatus.PENDING, ORDER.lines(), ORDER.createdAt(), ORDER.createdAt());
    given(lifecycle.place(eq("alice"), eq("key-1"), any()))
        .willReturn(new OrderLifecycle.Placement(pending, HttpStatus.ACCEPTED, List.of()));

    placeOrder("key-1", VALID)
        .andExpect(status().isAccepted())
        .andExpect(header().string("Location", "/api/orders/" + ID))
        .andExpect(jsonPath("$.status").value("PENDING"));
  }

  @Test
  void answers409WithTheShortLinesForARejectedOrder() throws Exception {
    Order rejected =
        new Order(
            ID, "alice", OrderStatus.REJECTED, ORDER.lines(), ORDER.createdAt(), ORDER.createdAt());
    given(lifecycle.place(eq("alice"), eq("key-1"), any()))
        .willReturn(
            new OrderLifecycle.Placement(
                rejected, HttpStatus.CONFLICT, List.of(new Shortage("A-1", 2, 1))));

    placeOrder("key-1", VALID)
        .andExpect(status().isConflict())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://shop.example/problems/insufficient-stock"))
        .andExpect(jsonPath("$.orderId").value(ID.toString()))
        .andExpect(jsonPath("$.lines[0].sku").value("A-1"))
        .andExpect(jsonPath("$.lines[0].requested").value(2))
        .andExpect(jsonPath("$.lines[0].available").value(1))
        .andExpect(jsonPath("$.instance").value("/api/orders"));
  }

  @Test
  void answers422ForAReusedKey() throws Exception {
    given(lifecycle.place(eq("alice"), eq("key-1"), any())).willThrow(OrderProblems.keyReused());

    placeOrder("key-1", VALID)
        .andExpect(status().isUnprocessableContent())
        .andExpect(
            jsonPath("$.type").value("https://shop.example/problems/idempotency-key-reused"));
  }

  @Test
  void acceptsAKeyOf100VisibleCharacters() throws Exception {
    String key = "k".repeat(99) + "~";
    given(lifecycle.place(eq("alice"), eq(key), any()))
        .willReturn(new OrderLifecycle.Placement(ORDER, HttpStatus.CREATED, List.of()));

    placeOrder(key, VALID).andExpect(status().isCreated());
  }

  @Test
  void requiresTheIdempotencyKey() throws Exception {
    expectProblem(
            mvc.perform(post("/api/orders").contentType(MediaType.APPLICATION_JSON).content(VALID)),
            400)
        .andExpect(jsonPath("$.errors[0].field").value("Idempotency-Key"))
        .andExpect(jsonPath("$.errors[0].message").value("is required"));
    verifyNoInteractions(lifecycle);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "has space", "ключ", "tab\tinside"})
  void refusesAKeyThatIsNotVisibleAscii(String key) throws Exception {
    expectProblem(placeOrder(key, VALID), 400)
        .andExpect(jsonPath("$.errors[0].field").value("Idempotency-Key"));
    verifyNoInteractions(lifecycle);
  }

  @Test
  void refusesAKeyLongerThan100Characters() throws Exception {
    expectProblem(placeOrder("k".repeat(101), VALID), 400)
        .andExpect(jsonPath("$.errors[0].field").value("Idempotency-Key"));
  }

  @Test
  void refusesARepeatedKey() throws Exception {
    expectProblem(
            mvc.perform(
                post("/api/orders")
                    .header("Idempotency-Key", "key-1", "key-2")
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(VALID)),
            400)
        .andExpect(jsonPath("$.errors[0].message").value("must be sent once"));
    verifyNoInteractions(lifecycle);
  }

  static Stream<Arguments> invalidBodies() {
    String fiftyOneLines =
        IntStream.range(0, 51)
            .mapToObj(i -> "{\"sku\":\"S-" + i + "\",\"quantity\":1}")
            .collect(Collectors.joining(",", "{\"lines\":[", "]}"));
    return Stream.of(
        Arguments.of("no lines", "{\"lines\":[]}", "lines"),
        Arguments.of("null lines", "{\"lines\":null}", "lines"),
        Arguments.of("missing lines", "{}", "lines"),
        Arguments.of("51 lines", fiftyOneLines, "lines"),
        Arguments.of("a null line", "{\"lines\":[null]}", "lines[0]"),
        Arguments.of("zero quantity", line("A-1", "0"), "lines[0].quantity"),
        Arguments.of("negative quantity", line("A-1", "-3"), "lines[0].quantity"),
        Arguments.of("quantity above the limit", line("A-1", "101"), "lines[0].quantity"),
        Arguments.of("missing quantity", "{\"lines\":[{\"sku\":\"A-1\"}]}", "lines[0].quantity"),
        Arguments.of("lower-case sku", line("a-1", "1"), "lines[0].sku"),
        Arguments.of("sku starting with a dash", line("-A1", "1"), "lines[0].sku"),
        Arguments.of("empty sku", line("", "1"), "lines[0].sku"),
        Arguments.of("65-character sku", line("A".repeat(65), "1"), "lines[0].sku"),
        Arguments.of("missing sku", "{\"lines\":[{\"quantity\":1}]}", "lines[0].sku"),
        Arguments.of(
            "duplicate sku",
            "{\"lines\":[{\"sku\":\"A-1\",\"quantity\":1},{\"sku\":\"A-1\",\"quantity\":2}]}",
            "lines[1].sku"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidBodies")
  void refusesAnInvalidOrderNamingTheField(String description, String body, String field)
      throws Exception {
    expectProblem(placeOrder("key-1", body), 400)
        .andExpect(jsonPath("$.title").value("Invalid request"))
        .andExpect(jsonPath("$.errors[0].field").value(field));
    verifyNoInteractions(lifecycle);
  }

  static Stream<Arguments> unreadableBodies() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"lines\":["),
        Arguments.of("empty body", ""),
        Arguments.of("a JSON array", "[]"),
        Arguments.of(
            "unknown field", "{\"lines\":[{\"sku\":\"A-1\",\"quantity\":1}],\"coupon\":1}"),
        Arguments.of(
            "unknown line field", "{\"lines\":[{\"sku\":\"A-1\",\"quantity\":1,\"x\":1}]}"),
        Arguments.of("lines as a string", "{\"lines\":\"A-1\"}"),
        Arguments.of("quantity as a word", line("A-1", "\"two\"")),
        Arguments.of("quantity as a string", line("A-1", "\"2\"")),
        Arguments.of("fractional quantity", line("A-1", "1.5")),
        Arguments.of("quantity beyond int", line("A-1", "2147483648")),
        Arguments.of("huge quantity", line("A-1", "1e40")),
        Arguments.of("sku as an object", "{\"lines\":[{\"sku\":{},\"quantity\":1}]}"),
        Arguments.of("a line as a number", "{\"lines\":[7]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadableBodies")
  void refusesABodyItCannotRead(String description, String body) throws Exception {
    expectProblem(placeOrder("key-1", body), 400)
        .andExpect(jsonPath("$.title").value("Unreadable request body"));
    verifyNoInteractions(lifecycle);
  }

  @Test
  void readsTheQuantityLimitOnEveryRequest() throws Exception {
    given(lifecycle.place(any(), any(), any()))
        .willReturn(new OrderLifecycle.Placement(ORDER, HttpStatus.CREATED, List.of()));
    properties.setMaxQuantityPerLine(5);

    expectProblem(placeOrder("key-1", line("A-1", "6")), 400)
        .andExpect(jsonPath("$.errors[0].message").value("must be less than or equal to 5"));

    properties.setMaxQuantityPerLine(6);
    placeOrder("key-1", line("A-1", "6")).andExpect(status().isCreated());
  }

  @Test
  void refusesAnotherContentType() throws Exception {
    expectProblem(
        mvc.perform(
            post("/api/orders")
                .header("Idempotency-Key", "key-1")
                .contentType(MediaType.TEXT_PLAIN)
                .content(VALID)),
        415);
  }

  @Test
  void refusesAnotherMethod() throws Exception {
    expectProblem(mvc.perform(put("/api/orders").contentType(MediaType.APPLICATION_JSON)), 405);
    expectProblem(mvc.perform(delete("/api/orders/{id}", ID)), 405);
    expectProblem(mvc.perform(get("/api/orders/{id}/cancel", ID)), 405);
  }

  @Test
  void getsAnOrder() throws Exception {
    given(lifecycle.findOf("alice", ID)).willReturn(ORDER);

    mvc.perform(get("/api/orders/{id}", ID))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.id").value(ID.toString()));
  }

  @Test
  void answers404ForAnUnknownOrder() throws Exception {
    given(lifecycle.findOf("alice", ID)).willThrow(OrderProblems.notFound(ID));

    expectProblem(mvc.perform(get("/api/orders/{id}", ID)), 404)
        .andExpect(jsonPath("$.type").value("https://shop.example/problems/order-not-found"));
  }

  @Test
  void answers400ForAnIdThatIsNotAUuid() throws Exception {
    expectProblem(mvc.perform(get("/api/orders/not-a-uuid")), 400);
    expectProblem(mvc.perform(post("/api/orders/42/cancel")), 400);
  }

  @Test
  void listsWithDefaultPaging() throws Exception {
    given(orders.page("alice", null, 0, 20)).willReturn(new OrderPage(List.of(ORDER), 0, 20, 1, 1));

    mvc.perform(get("/api/orders"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.content[0].id").value(ID.toString()))
        .andExpect(jsonPath("$.page").value(0))
        .andExpect(jsonPath("$.size").value(20))
        .andExpect(jsonPath("$.totalElements").value(1))
        .andExpect(jsonPath("$.totalPages").value(1));
  }

  @Test
  void listsByStatus() throws Exception {
    given(orders.page("alice", OrderStatus.PENDING, 2, 5))
        .willReturn(new OrderPage(List.of(), 2, 5, 0, 0));

    mvc.perform(get("/api/orders?status=PENDING&page=2&size=5")).andExpect(status().isOk());
    verify(orders).page("alice", OrderStatus.PENDING, 2, 5);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "status=SHIPPED",
        "page=-1",
        "page=x",
        "size=0",
        "size=101",
        "size=-5",
        "size=99999999999"
      })
  void refusesBadListParameters(String query) throws Exception {
    expectProblem(mvc.perform(get("/api/orders?" + query)), 400);
    verifyNoInteractions(orders);
  }

  @Test
  void cancelsAnOrder() throws Exception {
    given(lifecycle.cancel("alice", ID))
        .willReturn(
            new OrderLifecycle.Cancellation(
                new Order(
                    ID,
                    "alice",
                    OrderStatus.CANCELLED,
                    ORDER.lines(),
                    ORDER.createdAt(),
                    ORDER.updatedAt()),
                true));

    mvc.perform(post("/api/orders/{id}/cancel", ID))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("CANCELLED"));
  }

  @Test
  void answers202WhileTheCancellationWaitsForInventory() throws Exception {
    given(lifecycle.cancel("alice", ID))
        .willReturn(
            new OrderLifecycle.Cancellation(
                new Order(
                    ID,
                    "alice",
                    OrderStatus.CANCELLING,
                    ORDER.lines(),
                    ORDER.createdAt(),
                    ORDER.updatedAt()),
                false));

    mvc.perform(post("/api/orders/{id}/cancel", ID))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.status").value("CANCELLING"));
  }

  @Test
  void answers409ForAnOrderThatCannotBeCancelled() throws Exception {
    Order expired =
        new Order(
            ID, "alice", OrderStatus.EXPIRED, ORDER.lines(), ORDER.createdAt(), ORDER.updatedAt());
    given(lifecycle.cancel("alice", ID)).willThrow(OrderProblems.notCancellable(expired));

    expectProblem(mvc.perform(post("/api/orders/{id}/cancel", ID)), 409)
        .andExpect(jsonPath("$.orderStatus").value("EXPIRED"));
  }

  private ResultActions placeOrder(String key, String body) throws Exception {
    MockHttpServletRequestBuilder request =
        post("/api/orders").contentType(MediaType.APPLICATION_JSON).content(body);
    return mvc.perform(request.header("Idempotency-Key", key));
  }

  private static ResultActions expectProblem(ResultActions result, int status) throws Exception {
    return result
        .andExpect(status().is(status))
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(status))
        .andExpect(jsonPath("$.title").isNotEmpty())
        .andExpect(jsonPath("$.instance").isNotEmpty());
  }

  private static String line(String sku, String quantity) {
    return "{\"lines\":[{\"sku\":\"%s\",\"quantity\":%s}]}".formatted(sku, quantity);
  }
}
