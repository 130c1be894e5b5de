package io.shopstack.order.orders;

import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * The batch job's API at the web layer: ISO-8601 durations and bounded limits are checked, ids and
 * cursors must be UUIDs, and the lifecycle's answers and failures come back as orders or problems.
 */
@WebMvcTest(
    controllers = InternalOrderController.class,
    properties = "logging.level.org.springframework.web.servlet.PageNotFound=ERROR")
@Import(SliceSecurity.class)
class InternalOrderControllerTest {

  private static final UUID ID = UUID.fromString("5d8e2f4a-1b3c-4d5e-8f70-9a1b2c3d4e5f");
  private static final Order PENDING =
      new Order(
          ID,
          "alice",
          OrderStatus.PENDING,
          List.of(new OrderLine("A-1", 1)),
          Instant.parse("2026-01-01T10:00:00Z"),
          Instant.parse("2026-01-01T10:00:00Z"));

  @Autowired MockMvc mvc;
  @MockitoBean OrderLifecycle lifecycle;
  @MockitoBean OrderRepository orders;

  @Test
  void listsDueOrdersWithDefaults() throws Exception {
    given(orders.due(Duration.ofMinutes(1), null, 100)).willReturn(List.of(PENDING));

    mvc.perform(get("/internal/orders/due"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[0].id").value(ID.toString()))
        .andExpect(jsonPath("$[0].status").value("PENDING"));
  }

  @Test
  void takesAnIsoDurationACursorAndALimit() throws Exception {
    given(orders.due(Duration.ofMinutes(30), ID, 5)).willReturn(List.of());

    mvc.perform(get("/internal/orders/due?reconcileAfter=PT30M&after=" + ID + "&limit=5"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$").isEmpty());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "reconcileAfter=soon",
        "reconcileAfter=-PT1M",
        "limit=0",
        "limit=1001",
        "limit=many",
        "after=abc"
      })
  void refusesBadParameters(String query) throws Exception {
    expectProblem(mvc.perform(get("/internal/orders/due?" + query)), 400);
    verifyNoInteractions(orders);
  }

  @Test
  void settlesAnOrderWithTheGivenExpiryAge() throws Exception {
    given(lifecycle.settleDue(ID, Duration.ofMinutes(8))).willReturn(PENDING);

    mvc.perform(post("/internal/orders/{id}/settle?expireAfter=PT8M", ID))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("PENDING"));
  }

  @Test
  void expiresAfterThirtyMinutesByDefault() throws Exception {
    given(lifecycle.settleDue(ID, Duration.ofMinutes(30))).willReturn(PENDING);

    mvc.perform(post("/internal/orders/{id}/settle", ID)).andExpect(status().isOk());
  }

  @Test
  void answers404ForAnUnknownOrder() throws Exception {
    given(lifecycle.settleDue(ID, Duration.ofMinutes(30))).willThrow(OrderProblems.notFound(ID));

    expectProblem(mvc.perform(post("/internal/orders/{id}/settle", ID)), 404);
  }

  @Test
  void refusesIdsThatAreNotUuidsBadAgesAndOtherMethods() throws Exception {
    expectProblem(mvc.perform(post("/internal/orders/abc/settle")), 400);
    expectProblem(mvc.perform(post("/internal/orders/{id}/settle?expireAfter=-PT1M", ID)), 400);
    expectProblem(mvc.perform(post("/internal/orders/{id}/settle?expireAfter=later", ID)), 400);
    expectProblem(mvc.perform(get("/internal/orders/{id}/settle", ID)), 405);
    expectProblem(mvc.perform(post("/internal/orders/due")), 405);
    // The endpoints of the API before the due list and settle: gone, not silently kept.
    expectProblem(mvc.perform(post("/internal/orders/{id}/expire", ID)), 404);
    expectProblem(mvc.perform(get("/internal/orders/pending")), 404);
    verifyNoInteractions(lifecycle);
  }

  private static ResultActions expectProblem(ResultActions result, int status) throws Exception {
    return result
        .andExpect(status().is(status))
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(status));
  }
}
