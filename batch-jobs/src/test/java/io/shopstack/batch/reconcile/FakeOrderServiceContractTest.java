package io.shopstack.batch.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.batch.reconcile.FakeOrderService.Answer;
import io.shopstack.batch.reconcile.Order.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.skyscreamer.jsonassert.Customization;
import org.skyscreamer.jsonassert.JSONAssert;
import org.skyscreamer.jsonassert.JSONCompareMode;
import org.skyscreamer.jsonassert.RegularExpressionValueMatcher;
import org.skyscreamer.jsonassert.comparator.CustomComparator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hand-written {@link FakeOrderService} that ReconciliationIT's scenarios run against, checked
 * against the recorded contract with order-service ({@code contracts/batch-jobs--order-service}),
 * state by state, as order-service's InternalApiContractIT checks the real service: so the fake
 * cannot drift from what order-service really answers.
 */
class FakeOrderServiceContractTest {

  static final Path CONTRACT = Path.of("..", "contracts", "batch-jobs--order-service", "mappings");
  private static final JsonMapper json = JsonMapper.builder().build();
  private static final String INSTANT = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";
  static final UUID A = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000a");
  static final UUID B = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000b");
  static final UUID C = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000c");
  static final UUID D = UUID.fromString("0a5e1a2b-0000-4000-8000-00000000000d");

  private final FakeOrderService fake = FakeOrderService.start();

  /** The provider states of the recordings, as the fake is told to be in them. */
  private final Map<String, Consumer<FakeOrderService>> states =
      Map.of(
          "orders B (PENDING, 2 h old), C (PENDING, 3 min old), A (PENDING, 2 min old) and D"
              + " (CANCELLING, 1 min old), nothing else",
          f -> {
            f.add(B, Status.PENDING, Duration.ofHours(2));
            f.add(C, Status.PENDING, Duration.ofMinutes(3));
            f.add(A, Status.PENDING, Duration.ofMinutes(2));
            f.add(D, Status.CANCELLING, Duration.ofMinutes(1));
          },
          "order A is PENDING, 2 min old; inventory reserves",
          f -> f.add(A, Status.PENDING, Duration.ofMinutes(2)),
          // The fake does not decide by age: the test says what settle does.
          "order B is PENDING, 2 h old; inventory releases",
          f -> {
            f.add(B, Status.PENDING, Duration.ofHours(2));
            f.onSettle(order -> Answer.status(Status.EXPIRED));
          },
          "order C is PENDING, 3 min old; inventory unreachable",
          f -> {
            f.add(C, Status.PENDING, Duration.ofMinutes(3));
            f.onSettle(order -> Answer.status(order.status()));
          },
          "order D is CANCELLING, 1 min old; inventory releases",
          f -> f.add(D, Status.CANCELLING, Duration.ofMinutes(1)));

  @AfterEach
  void stop() {
    fake.close();
  }

  static Stream<Path> interactions() throws IOException {
    try (Stream<Path> files = Files.list(CONTRACT)) {
      List<Path> sorted =
          new ArrayList<>(files.filter(f -> f.toString().endsWith(".json")).toList());
      sorted.sort(null);
      assertThat(sorted).isNotEmpty();
      return sorted.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("interactions")
  void theFakeAnswersAsRecorded(Path file) throws Exception {
    JsonNode mapping = json.readTree(Files.readString(file));
    String state = mapping.get("metadata").get("providerState").asString();
    assertThat(states).as("a setup for the provider state \"%s\"", state).containsKey(state);
    states.get(state).accept(fake);

    JsonNode request = mapping.get("request");
    StringBuilder uri = new StringBuilder(fake.uri()).append(request.get("urlPath").asString());
    String separator = "?";
    for (var parameter : request.get("queryParameters").properties()) {
      uri.append(separator).append(parameter.getKey()).append('=');
      uri.append(parameter.getValue().get("equalTo").asString());
      separator = "&";
    }
    HttpResponse<String> answer;
    try (HttpClient client = HttpClient.newHttpClient()) {
      answer =
          client.send(
              HttpRequest.newBuilder(URI.create(uri.toString()))
                  .method(request.get("method").asString(), HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    }

    JsonNode recorded = mapping.get("response");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(recorded.get("status").asInt());
    JSONAssert.assertEquals(
        recorded.get("jsonBody").toString(),
        answer.body(),
        new CustomComparator(
            JSONCompareMode.LENIENT,
            new Customization("**.createdAt", new RegularExpressionValueMatcher<>(INSTANT)),
            new Customization("**.updatedAt", new RegularExpressionValueMatcher<>(INSTANT))));
  }
}
