package io.shopstack.order.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.order.IntegrationTest;
import io.shopstack.testsupport.RecordedInteraction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.client.EntityExchangeResult;

/**
 * order-service as the provider of the contract with batch-jobs ({@code
 * contracts/batch-jobs--order-service}): for every recorded interaction, the named provider state
 * is set up in the real database and the test's inventory stand-in, the recorded request goes to
 * the real controllers, and the answer must have the recorded status and contain the recorded body
 * (extra fields allowed, timestamps only need to be instants). batch-jobs' OrderServiceContractIT
 * runs the real batch job against the same recordings.
 */
class InternalApiContractIT extends IntegrationTest {

  static final Path CONTRACT = Path.of("..", "contracts", "batch-jobs--order-service", "mappings");

  static final UUID A = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000a");
  static final UUID B = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000b");
  static final UUID C = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000c");
  static final UUID D = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000d");

  /** Every provider state the recordings name, and how to bring it about. */
  private final Map<String, Runnable> states =
      Map.of(
          "orders B (PENDING, 2 h old), C (PENDING, 3 min old), A (PENDING, 2 min old) and D"
              + " (CANCELLING, 1 min old), nothing else",
          () -> {
            onlyOrder(B, "PENDING", Duration.ofHours(2));
            order(C, "PENDING", Duration.ofMinutes(3));
            order(A, "PENDING", Duration.ofMinutes(2));
            order(D, "CANCELLING", Duration.ofMinutes(1));
          },
          "order A is PENDING, 2 min old; inventory reserves",
          () -> onlyOrder(A, "PENDING", Duration.ofMinutes(2)),
          "order B is PENDING, 2 h old; inventory releases",
          () -> onlyOrder(B, "PENDING", Duration.ofHours(2)),
          "order C is PENDING, 3 min old; inventory unreachable",
          () -> {
            onlyOrder(C, "PENDING", Duration.ofMinutes(3));
            inventory.stop();
          },
          "order D is CANCELLING, 1 min old; inventory releases",
          () -> onlyOrder(D, "CANCELLING", Duration.ofMinutes(1)));

  static List<RecordedInteraction> interactions() {
    return RecordedInteraction.in(CONTRACT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("interactions")
  void theRealServiceAnswersAsRecorded(RecordedInteraction recorded) {
    assertThat(states)
        .as("a setup for the provider state \"%s\"", recorded.state())
        .containsKey(recorded.state());
    states.get(recorded.state()).run();

    EntityExchangeResult<byte[]> answer =
        batch
            .method(HttpMethod.valueOf(recorded.method()))
            .uri(recorded.pathAndQuery())
            .exchange()
            .expectBody()
            .returnResult();

    recorded.assertAnswered(
        answer.getStatus().value(),
        answer.getResponseHeaders().getFirst("Content-Type"),
        new String(answer.getResponseBodyContent(), StandardCharsets.UTF_8));
  }

  private void onlyOrder(UUID id, String status, Duration age) {
    jdbc.sql("delete from order_line").update();
    jdbc.sql("delete from orders").update();
    order(id, status, age);
  }

  private void order(UUID id, String status, Duration age) {
    jdbc.sql(
            """
            insert into orders (id, customer, idempotency_key, request_hash, status, created_at,
                                updated_at)
            values (:id, 'alice', :key, repeat('0', 64), :status,
                    now() - :millis * interval '1 millisecond',
                    now() - :millis * interval '1 millisecond')""")
        .param("id", id)
        .param("key", "contract-" + id)
        .param("status", status)
        .param("millis", age.toMillis())
        .update();
    jdbc.sql(
            "insert into order_line (order_id, line_no, sku, quantity) values (:id, 0, 'SKU-RED-MUG', 1)")
        .param("id", id)
        .update();
  }
}
