package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.shopstack.order.security.OrderSecurity;
import io.shopstack.testsupport.TestIssuer;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * order-service's security rules with real tokens, validated the way the running service validates
 * them (JWK set over HTTP, issuer, audience, RS256): whatever the gateway let through,
 * order-service itself refuses a missing or bad token with 401 and a token without the needed scope
 * or role with 403, both as problem documents that never quote the token.
 */
@WebMvcTest(
    controllers = {
      OrderController.class,
      AdminOrderController.class,
      InternalOrderController.class
    })
@EnableConfigurationProperties(OrderProperties.class)
@Import(OrderSecurity.class)
class OrderSecurityTest {

  private static final TestIssuer issuer = TestIssuer.start();

  @DynamicPropertySource
  static void auth(DynamicPropertyRegistry registry) {
    issuer.register(registry);
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @Autowired MockMvc mvc;
  @MockitoBean OrderLifecycle lifecycle;
  @MockitoBean OrderRepository orders;

  @BeforeEach
  void emptyLists() {
    given(orders.page(any(), any(), anyInt(), anyInt()))
        .willReturn(new OrderPage(List.of(), 0, 20, 0, 0));
    given(orders.due(any(), any(), anyInt())).willReturn(List.of());
  }

  static Stream<Arguments> badTokens() {
    return issuer.badTokens("gateway").entrySet().stream()
        .map(bad -> Arguments.of(bad.getKey(), bad.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void aBadTokenIsA401ProblemThatDoesNotQuoteIt(String kind, String token) throws Exception {
    MvcResult result =
        mvc.perform(bearer(get("/api/orders"), token))
            .andExpect(status().isUnauthorized())
            .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.type").value("https://shop.example/problems/unauthorized"))
            .andExpect(
                jsonPath("$.detail")
                    .value(org.hamcrest.Matchers.startsWith("The bearer token was refused")))
            .andExpect(
                header().string("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer")))
            .andReturn();
    assertThat(result.getResponse().getContentAsString()).doesNotContain(token);
  }

  @Test
  void noTokenIsA401Problem() throws Exception {
    mvc.perform(get("/api/orders"))
        .andExpect(status().isUnauthorized())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(
            jsonPath("$.detail")
                .value(org.hamcrest.Matchers.containsString("needs a bearer token")))
        .andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer")));
  }

  @Test
  void theReasonIsSaidInTheStacksOwnWords() throws Exception {
    mvc.perform(
            bearer(
                get("/api/orders"),
                issuer.token().expiresAt(Instant.now().minusSeconds(120)).sign()))
        .andExpect(jsonPath("$.detail").value("The bearer token was refused: it has expired."));
    mvc.perform(bearer(get("/api/orders"), issuer.token().audience("gateway").sign()))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    "The bearer token was refused: it is not meant for this service (audience)."));
  }

  @Test
  void aCustomerUsesTheirOrdersButNotTheOperatorsOrTheBatchJobsApi() throws Exception {
    String alice = issuer.customer("alice");
    mvc.perform(bearer(get("/api/orders"), alice)).andExpect(status().isOk());
    forbidden(bearer(get("/api/admin/orders"), alice));
    forbidden(bearer(get("/internal/orders/due?reconcileAfter=PT1M"), alice));
  }

  @Test
  void anOperatorListsEveryonesOrders() throws Exception {
    mvc.perform(bearer(get("/api/admin/orders"), issuer.operator("oscar")))
        .andExpect(status().isOk());
  }

  @Test
  void theBatchJobsTokenOpensOnlyTheInternalApi() throws Exception {
    String batch = issuer.service("batch-jobs", "orders:settle", "order-service");
    mvc.perform(bearer(get("/internal/orders/due?reconcileAfter=PT1M"), batch))
        .andExpect(status().isOk());
    forbidden(bearer(get("/api/orders"), batch));
    forbidden(bearer(get("/api/admin/orders"), batch));
  }

  @Test
  void aMachineTokenForAnotherServiceIsRefused() throws Exception {
    // order-service's own token is for inventory-service, not for calling order-service.
    String forInventory = issuer.service("order-service", "inventory:reserve", "inventory-service");
    mvc.perform(bearer(get("/internal/orders/due?reconcileAfter=PT1M"), forInventory))
        .andExpect(status().isUnauthorized());
  }

  private void forbidden(MockHttpServletRequestBuilder request) throws Exception {
    mvc.perform(request)
        .andExpect(status().isForbidden())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://shop.example/problems/forbidden"))
        .andExpect(
            header()
                .string(
                    "WWW-Authenticate",
                    org.hamcrest.Matchers.containsString("insufficient_scope")));
  }

  private static MockHttpServletRequestBuilder bearer(
      MockHttpServletRequestBuilder request, String token) {
    return request.header("Authorization", "Bearer " + token);
  }
}
