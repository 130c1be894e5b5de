package io.shopstack.inventory.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.shopstack.inventory.items.ItemRepository;
import io.shopstack.inventory.items.StockAdjustments;
import io.shopstack.inventory.reservations.Reservations;
import io.shopstack.testsupport.TestIssuer;
import java.util.UUID;
import java.util.stream.Stream;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
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
 * inventory-service's security rules with real tokens, validated as the running service validates
 * them: the catalogue is public (but a token sent with it must be valid), reservations need
 * order-service's scope, stock administration the operator role. A token the gateway would accept
 * but that is not for inventory-service, or lacks the scope, is refused here too.
 */
@WebMvcTest
@Import(InventorySecurity.class)
class InventorySecurityTest {

  private static final TestIssuer issuer = TestIssuer.start();
  private static final String RESERVATION =
      "{\"orderId\":\"" + UUID.randomUUID() + "\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}";

  @DynamicPropertySource
  static void auth(DynamicPropertyRegistry registry) {
    issuer.register(registry);
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @Autowired MockMvc mvc;
  @MockitoBean ItemRepository items;
  @MockitoBean StockAdjustments adjustments;
  @MockitoBean Reservations reservations;

  @Test
  void theCatalogueIsPublic() throws Exception {
    mvc.perform(get("/api/inventory/items")).andExpect(status().isOk());
  }

  static Stream<Arguments> badTokens() {
    return issuer.badTokens("gateway").entrySet().stream()
        .map(bad -> Arguments.of(bad.getKey(), bad.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void aBadTokenIsRefusedEvenOnThePublicCatalogue(String kind, String token) throws Exception {
    MvcResult result =
        mvc.perform(bearer(get("/api/inventory/items"), token))
            .andExpect(status().isUnauthorized())
            .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.type").value("https://shop.example/problems/unauthorized"))
            .andReturn();
    assertThat(result.getResponse().getContentAsString()).doesNotContain(token);
  }

  @Test
  void reservationsAreOrderServicesOnly() throws Exception {
    String orderService = issuer.service("order-service", "inventory:reserve", "inventory-service");
    mvc.perform(reserve(orderService)).andExpect(status().is(Matchers.not(403)));

    forbidden(reserve(issuer.customer("alice")));
    forbidden(reserve(issuer.operator("oscar")));
    // The batch job's token is for order-service, not for inventory-service.
    mvc.perform(reserve(issuer.service("batch-jobs", "orders:settle", "order-service")))
        .andExpect(status().isUnauthorized());
    mvc.perform(
            post("/internal/inventory/reservations")
                .contentType(MediaType.APPLICATION_JSON)
                .content(RESERVATION))
        .andExpect(status().isUnauthorized());
  }

  @Test
  void stockAdministrationIsTheOperatorsOnly() throws Exception {
    mvc.perform(rename(issuer.operator("oscar"))).andExpect(status().is(Matchers.not(403)));

    forbidden(rename(issuer.customer("alice")));
    forbidden(rename(issuer.service("order-service", "inventory:reserve", "inventory-service")));
  }

  @Test
  void operatorsMayLookAtAReservationButNotMakeOne() throws Exception {
    mvc.perform(
            bearer(
                get("/internal/inventory/reservations/{id}", UUID.randomUUID()),
                issuer.operator("oscar")))
        .andExpect(status().is(Matchers.not(403)));
    forbidden(
        bearer(
            get("/internal/inventory/reservations/{id}", UUID.randomUUID()),
            issuer.customer("alice")));
  }

  private void forbidden(MockHttpServletRequestBuilder request) throws Exception {
    mvc.perform(request)
        .andExpect(status().isForbidden())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://shop.example/problems/forbidden"))
        .andExpect(
            header().string("WWW-Authenticate", Matchers.containsString("insufficient_scope")));
  }

  private static MockHttpServletRequestBuilder reserve(String token) {
    return bearer(
        post("/internal/inventory/reservations")
            .contentType(MediaType.APPLICATION_JSON)
            .content(RESERVATION),
        token);
  }

  private static MockHttpServletRequestBuilder rename(String token) {
    return bearer(
        put("/internal/inventory/items/{sku}", "SKU-X")
            .contentType(MediaType.APPLICATION_JSON)
            .content("{\"name\":\"X\"}"),
        token);
  }

  private static MockHttpServletRequestBuilder bearer(
      MockHttpServletRequestBuilder request, String token) {
    return request.header("Authorization", "Bearer " + token);
  }
}
