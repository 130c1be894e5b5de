package io.shopstack.order.contract;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.shopstack.order.inventory.InventoryClient;
import io.shopstack.order.inventory.Reservation;
import io.shopstack.order.inventory.ReservationOutcome;
import io.shopstack.order.inventory.Shortage;
import io.shopstack.testsupport.TestIssuer;
import io.shopstack.testsupport.TestPostgres;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * order-service as the consumer of the contract with inventory-service ({@code
 * contracts/order-service--inventory-service}): the real {@link InventoryClient} (load balancer,
 * message converters, retry and circuit breaker as configured) calls WireMock serving exactly the
 * recorded interactions. Every request must match one, each must be used once, and each recorded
 * answer must become the outcome the order lifecycle acts on. inventory-service's
 * ReservationContractIT checks the same recordings against the real service. Every request carries
 * order-service's own token, from a stand-in for auth-server's token endpoint.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"spring.main.banner-mode=off", "logging.level.root=WARN"})
class InventoryContractIT {

  static final WireMockServer inventoryService =
      new WireMockServer(
          options()
              .bindAddress("127.0.0.1")
              .dynamicPort()
              .usingFilesUnderDirectory("../contracts/order-service--inventory-service"));

  static final TestIssuer issuer =
      TestIssuer.start()
          .acceptClient("order-service", "secret", "inventory:reserve", "inventory-service");

  static {
    inventoryService.start();
  }

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    TestPostgres.register(registry);
    issuer.register(registry);
    registry.add("shop.auth.client-secret", () -> "secret");
    registry.add(
        "spring.cloud.discovery.client.simple.instances.inventory-service[0].uri",
        () -> "http://127.0.0.1:" + inventoryService.port());
  }

  @AfterAll
  static void stop() {
    inventoryService.stop();
    issuer.close();
  }

  @Autowired InventoryClient inventory;

  @Test
  void everyRecordedAnswerBecomesTheOutcomeTheLifecycleActsOn() {
    assertThat(
            inventory.reserve(
                reservation("0a5e1a2b-0000-4000-8000-0000000000e1", "SKU-CONTRACT-A", 2)))
        .isInstanceOf(ReservationOutcome.Reserved.class);
    assertThat(
            inventory.reserve(
                reservation("0a5e1a2b-0000-4000-8000-0000000000f1", "SKU-CONTRACT-B", 9)))
        .isEqualTo(new ReservationOutcome.Rejected(List.of(new Shortage("SKU-CONTRACT-B", 9, 5))));
    assertThat(
            inventory.reserve(
                reservation("0a5e1a2b-0000-4000-8000-0000000000a1", "SKU-CONTRACT-C", 1)))
        .isInstanceOf(ReservationOutcome.Released.class);
    inventory.release(UUID.fromString("0a5e1a2b-0000-4000-8000-0000000000b1"));

    assertThat(inventoryService.findAllUnmatchedRequests())
        .as("requests outside the contract")
        .isEmpty();
    Map<UUID, Long> uses =
        inventoryService.getAllServeEvents().stream()
            .collect(Collectors.groupingBy(e -> e.getStubMapping().getId(), Collectors.counting()));
    assertThat(uses)
        .as("every recorded interaction used once")
        .hasSize(inventoryService.getStubMappings().size())
        .allSatisfy((id, count) -> assertThat(count).isOne());
  }

  private static Reservation reservation(String orderId, String sku, int quantity) {
    return new Reservation(UUID.fromString(orderId), List.of(new Reservation.Line(sku, quantity)));
  }
}
