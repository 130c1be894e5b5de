package io.shopstack.batch.reconcile;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.shopstack.batch.BatchApplication;
import io.shopstack.testsupport.TestIssuer;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * batch-jobs as the consumer of the contract with order-service ({@code
 * contracts/batch-jobs--order-service}): the real batch job runs against WireMock serving exactly
 * the recorded interactions. Every request it sends must match one of them, and it must use each
 * once; order-service's InternalApiContractIT checks the same recordings against the real service.
 */
@ExtendWith(OutputCaptureExtension.class)
class OrderServiceContractIT {

  private WireMockServer orderService;
  private final TestIssuer issuer =
      TestIssuer.start().acceptClient("batch-jobs", "secret", "orders:settle", "order-service");

  @BeforeEach
  void serveTheContract() {
    orderService =
        new WireMockServer(
            options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .usingFilesUnderDirectory("../contracts/batch-jobs--order-service"));
    orderService.start();
  }

  @AfterEach
  void stop() {
    orderService.stop();
    issuer.close();
  }

  @Test
  void theBatchJobSendsOnlyRecordedRequestsAndReadsTheRecordedAnswers(CapturedOutput output) {
    int exitCode =
        SpringApplication.exit(
            SpringApplication.run(
                BatchApplication.class,
                "--shop.batch.order-service-url=http://127.0.0.1:" + orderService.port(),
                "--shop.batch.page-size=4",
                "--shop.auth.url=" + issuer.url(),
                "--shop.auth.client-secret=secret",
                "--spring.main.banner-mode=off"));

    assertThat(orderService.findAllUnmatchedRequests())
        .as("requests outside the contract")
        .isEmpty();
    Map<UUID, Long> uses =
        orderService.getAllServeEvents().stream()
            .collect(Collectors.groupingBy(ServeEvent::getStubMapping, Collectors.counting()))
            .entrySet()
            .stream()
            .collect(Collectors.toMap(e -> e.getKey().getId(), Map.Entry::getValue));
    assertThat(uses)
        .as("every recorded interaction used once")
        .hasSize(orderService.getStubMappings().size())
        .allSatisfy((id, count) -> assertThat(count).isOne());
    // C stays PENDING (inventory unreachable in its recording): run again.
    assertThat(exitCode).isEqualTo(Reconciliation.Tally.RUN_AGAIN);
    assertThat(output)
        .contains(
            "confirmed=1 rejected=0 expired=1 cancelled=1 stillPending=1 failed=0 moreDue=false");
  }
}
