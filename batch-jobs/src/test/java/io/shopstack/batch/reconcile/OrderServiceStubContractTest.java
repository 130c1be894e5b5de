package io.shopstack.batch.reconcile;

import static io.shopstack.batch.reconcile.OrderServiceStub.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.batch.reconcile.Order.Status;
import io.shopstack.testsupport.RecordedInteraction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stubs ReconciliationIT's scenarios run against ({@link OrderServiceStub}), checked against
 * the recorded contract with order-service ({@code contracts/batch-jobs--order-service}), state by
 * state, as order-service's InternalApiContractIT checks the real service: each recorded request
 * must match the stubs set up for its provider state and be answered as recorded, so the stubs
 * cannot drift from what order-service really answers.
 */
class OrderServiceStubContractTest {

  static final Path CONTRACT = Path.of("..", "contracts", "batch-jobs--order-service", "mappings");
  static final UUID A = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000a");
  static final UUID B = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000b");
  static final UUID C = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000c");
  static final UUID D = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000d");

  private final OrderServiceStub stub = OrderServiceStub.started();

  /** The provider states of the recordings, as the stubs are set up for them. */
  private final Map<String, Consumer<OrderServiceStub>> states =
      Map.of(
          "orders B (PENDING, 2 h old), C (PENDING, 3 min old), A (PENDING, 2 min old) and D"
              + " (CANCELLING, 1 min old), nothing else",
          s ->
              s.due(
                  Duration.ofMinutes(1),
                  4,
                  order(B, Status.PENDING, Duration.ofHours(2)),
                  order(C, Status.PENDING, Duration.ofMinutes(3)),
                  order(A, Status.PENDING, Duration.ofMinutes(2)),
                  order(D, Status.CANCELLING, Duration.ofMinutes(1))),
          "order A is PENDING, 2 min old; inventory reserves",
          s -> s.holds(order(A, Status.PENDING, Duration.ofMinutes(2))),
          // The stubs do not decide by age: the test says what settle does.
          "order B is PENDING, 2 h old; inventory releases",
          s -> s.settles(order(B, Status.PENDING, Duration.ofHours(2)), Status.EXPIRED),
          "order C is PENDING, 3 min old; inventory unreachable",
          s -> s.settles(order(C, Status.PENDING, Duration.ofMinutes(3)), Status.PENDING),
          "order D is CANCELLING, 1 min old; inventory releases",
          s -> s.holds(order(D, Status.CANCELLING, Duration.ofMinutes(1))));

  @AfterEach
  void stop() {
    stub.stop();
  }

  static List<RecordedInteraction> interactions() {
    return RecordedInteraction.in(CONTRACT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("interactions")
  void theStubsAnswerAsRecorded(RecordedInteraction recorded) throws Exception {
    assertThat(states)
        .as("a setup for the provider state \"%s\"", recorded.state())
        .containsKey(recorded.state());
    states.get(recorded.state()).accept(stub);

    HttpResponse<String> answer;
    try (HttpClient client = HttpClient.newHttpClient()) {
      answer =
          client.send(
              HttpRequest.newBuilder(URI.create(stub.uri() + recorded.pathAndQuery()))
                  .method(recorded.method(), HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    }

    recorded.assertAnswered(
        answer.statusCode(),
        answer.headers().firstValue("Content-Type").orElse(null),
        answer.body());
  }
}
