package io.shopstack.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shopstack.localstack.ShopClient.Answer;
import io.shopstack.skywalking.collector.SkyWalkingCollector;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.skywalking.apm.network.event.v3.Event;
import org.apache.skywalking.apm.network.language.agent.v3.Memory;
import org.apache.skywalking.apm.network.language.agent.v3.SegmentObject;
import org.apache.skywalking.apm.network.language.agent.v3.SegmentReference;
import org.apache.skywalking.apm.network.language.agent.v3.SpanObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The stack of {@link StackIT} with a SkyWalking agent attached to every JVM, reporting to an
 * in-test collector that speaks OAP's gRPC protocol. Every service must register under its own name
 * with its instance properties and report JVM metrics, the batch job's short run included; an order
 * placed through the gateway carries a trace id in its response and log lines exactly when a trace
 * context exists, and nothing (never a placeholder) when none does.
 *
 * <p>By default the agent is the one the build prepares ({@code
 * skywalking-collector/target/skywalking-agent}: the core agent, no plugins, so no spans and no
 * trace context). {@code SHOP_SKYWALKING_AGENT_DIR} attaches another one, such as the official
 * distribution with its plugins, and {@code SHOP_OAP_ADDRESS=host:11800} (with {@code
 * SHOP_OAP_QUERY_URL}, default {@code http://host:12800/graphql}) reports to a real OAP and asks
 * its query API instead of the in-test collector: see docs/observability.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TracingIT {

  /** Service name to the instance names LocalStack gives its JVMs. */
  private static final Map<String, List<String>> INSTANCES =
      Map.of(
          "auth-server", List.of(LocalStack.AUTH),
          "gateway", List.of(LocalStack.GATEWAY),
          "order-service", List.of(LocalStack.ORDER),
          "inventory-service", List.of(LocalStack.INVENTORY_A, LocalStack.INVENTORY_B),
          "batch-jobs", List.of(LocalStack.BATCH + "-1"));

  private static final Path LOG_DIR = Path.of("target", "tracing-it");
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}(\\.[0-9]+){2}");
  // A JWT (header and claims are base64url JSON objects: "eyJ" is how '{"' starts).
  private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.");
  // The correlation part of every log line: [requestId,traceId] (logging.pattern.correlation).
  private static final Pattern CORRELATION =
      Pattern.compile("\\] \\[([^\\],]*),([^\\]]*)\\] [a-zA-Z]");

  private static SkyWalkingCollector collector; // null when a real OAP is the backend
  private static OapQuery oap; // null with the in-test collector
  private static boolean tracingPlugins;
  private static LocalStack stack;
  private static ShopClient shop;

  @BeforeAll
  static void startStack() throws Exception {
    Path projectDir = Path.of("..").toAbsolutePath().normalize();
    Map<String, String> env = System.getenv();
    Path agentDir =
        Path.of(
                env.getOrDefault(
                    "SHOP_SKYWALKING_AGENT_DIR",
                    projectDir.resolve("skywalking-collector/target/skywalking-agent").toString()))
            .toAbsolutePath();
    // The official distribution activates the toolkit (activations/) and traces HTTP and JDBC
    // (plugins/); the core agent from Maven Central has neither.
    tracingPlugins = Files.isDirectory(agentDir.resolve("activations"));
    String backend;
    if (env.containsKey("SHOP_OAP_ADDRESS")) {
      backend = env.get("SHOP_OAP_ADDRESS");
      String host = backend.substring(0, backend.lastIndexOf(':'));
      oap =
          new OapQuery(
              URI.create(
                  env.getOrDefault("SHOP_OAP_QUERY_URL", "http://" + host + ":12800/graphql")));
    } else {
      collector = SkyWalkingCollector.start();
      backend = collector.backendAddress();
    }
    long started = System.nanoTime();
    stack =
        LocalStack.start(
            projectDir,
            LOG_DIR,
            Ports.free(),
            // The agents' settings as the launcher gives them: the batch job's short-lived JVM
            // registers only because the launcher gives it a 1 s heartbeat.
            new Agent(agentDir, backend, Map.of()),
            Map.of("shop.batch.reconcile-after", "0s"));
    System.out.printf(
        "TracingIT: stack with agents (%s) ready in %d s, reporting to %s%n",
        agentDir,
        Duration.ofNanos(System.nanoTime() - started).toSeconds(),
        collector != null ? "the in-test collector" : backend);
    shop = ShopClient.of(stack, "alice");
  }

  /** Whatever the scenario did, orders and stock still agree (see Invariants). */
  @AfterEach
  void invariantsHold() {
    Invariants.check(stack);
  }

  @AfterAll
  static void stopStack() {
    try {
      if (stack != null) {
        stack.close();
      }
    } finally {
      if (collector != null) {
        collector.close();
      }
    }
  }

  @Test
  @Order(1)
  void everyJvmRegistersUnderItsOwnNameWithItsInstanceProperties() throws Exception {
    assertThat(stack.runBatch()).as("nothing pending: the job exits 0").isZero();

    if (collector == null) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(oap.services()).containsAll(INSTANCES.keySet());
                INSTANCES.forEach(
                    (service, names) ->
                        assertThat(oap.instances(service))
                            .as(service)
                            .containsKeys(names.toArray(String[]::new))
                            .allSatisfy(
                                (name, instance) -> {
                                  assertThat(instance.language()).isEqualTo("JAVA");
                                  assertThat(instance.attributes()).containsKey("hostname");
                                }));
              });
      return;
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                INSTANCES.forEach(
                    (service, names) ->
                        names.forEach(
                            name ->
                                assertThat(collector.instance(service, name))
                                    .as("%s/%s in %s", service, name, collector)
                                    .hasValueSatisfying(
                                        instance ->
                                            assertThat(instance.properties())
                                                .containsEntry("language", "java")
                                                .containsKeys("hostname", "OS Name")
                                                .hasEntrySatisfying(
                                                    "Process No.",
                                                    pid ->
                                                        assertThat(pid).matches("[1-9][0-9]*"))))));
    assertThat(collector.services()).containsExactlyInAnyOrderElementsOf(INSTANCES.keySet());
    // Six JVMs, six processes: no two instances share a name or a pid.
    assertThat(collector.instances())
        .hasSize(INSTANCES.values().stream().mapToInt(List::size).sum())
        .extracting(i -> i.properties().get("Process No."))
        .doesNotHaveDuplicates();
    // The agent reports its start, with the JVM's options, for every service.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                INSTANCES
                    .keySet()
                    .forEach(
                        service ->
                            assertThat(collector.events(service))
                                .as(service)
                                .filteredOn(e -> e.getName().equals("Start"))
                                .isNotEmpty()
                                .allSatisfy(
                                    (Event start) ->
                                        assertThat(start.getParametersMap().get("OPTS"))
                                            .contains("-javaagent:"))));
  }

  @Test
  @Order(2)
  void everyJvmReportsJvmMetrics() {
    await()
        .atMost(Duration.ofSeconds(collector == null ? 120 : 30))
        .pollInterval(Duration.ofSeconds(collector == null ? 5 : 1))
        .untilAsserted(
            () ->
                INSTANCES.forEach(
                    (service, names) ->
                        names.forEach(
                            name -> {
                              if (collector == null) {
                                assertThat(oap.hasJvmMetrics(service, name))
                                    .as("%s/%s", service, name)
                                    .isTrue();
                                return;
                              }
                              assertThat(collector.jvmMetrics(service, name))
                                  .as("%s/%s", service, name)
                                  .isNotEmpty()
                                  .flatMap(report -> report.getMetricsList())
                                  .allSatisfy(
                                      metric -> {
                                        assertThat(metric.getThread().getLiveCount()).isPositive();
                                        assertThat(metric.getMemoryList())
                                            .filteredOn(Memory::getIsHeap)
                                            .singleElement()
                                            .extracting(Memory::getUsed)
                                            .satisfies(used -> assertThat(used).isPositive());
                                      });
                            })));
  }

  @Test
  @Order(3)
  void anOrderCarriesATraceIdInItsAnswerAndLogLinesOnlyWhenATraceExists() throws IOException {
    String sku = shop.newItemWithStock(5);

    Answer placed = shop.placeOrder(sku, 1);

    assertThat(placed.status()).isEqualTo(201);
    String requestId = placed.header("X-Request-Id");
    String orderId = placed.json().get("id").asString();
    // order-service logs the placement inside the request: the line every user would search.
    String placementLine =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> lineContaining(LocalStack.ORDER, "Order " + orderId + " placed"),
                line -> line != null);
    Matcher correlation = CORRELATION.matcher(placementLine);
    assertThat(correlation.find()).as(placementLine).isTrue();
    assertThat(correlation.group(1)).as("the gateway's request id").isEqualTo(requestId);

    if (tracingPlugins) {
      String traceId = placed.header("X-Trace-Id");
      assertThat(traceId).as("X-Trace-Id").matches(TRACE_ID);
      assertThat(correlation.group(2)).as("the trace id in the log line").isEqualTo(traceId);
      if (collector != null) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  List<SegmentObject> trace =
                      collector.segments().stream()
                          .filter(s -> s.getTraceId().equals(traceId))
                          .toList();
                  assertThat(trace)
                      .extracting(SegmentObject::getService)
                      .contains("gateway", "order-service", "inventory-service");
                  // order-service's segment continues the gateway's, inventory's order-service's.
                  assertThat(parentsOf(trace, "order-service")).contains("gateway");
                  assertThat(parentsOf(trace, "inventory-service")).contains("order-service");
                });
        // The log lines of the request reach OAP beside its trace (the UI's Log tab): the
        // toolkit's logback appender, activated by the official agent.
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(linesOfTrace("gateway", traceId))
                      .anySatisfy(
                          line ->
                              assertThat(line).contains("POST /api/orders -> order-service: 201"));
                  assertThat(linesOfTrace("order-service", traceId))
                      .anySatisfy(
                          line -> assertThat(line).contains("Order " + orderId + " placed"));
                  assertThat(linesOfTrace("inventory-service", traceId))
                      .anySatisfy(line -> assertThat(line).contains("Stock for order " + orderId));
                });
        // The launcher's readiness polls hit every actuator: with the trace-ignore plugin in
        // plugins/ (as the cluster's init container puts it) none of them is a trace.
        assertThat(collector.segments())
            .flatMap(SegmentObject::getSpansList)
            .extracting(SpanObject::getOperationName)
            .isNotEmpty()
            .noneMatch(name -> name.contains("/actuator"));
        // No access token, the customer's or a service's, in what reaches OAP: span names, peers,
        // tags (URLs, headers), log lines.
        List<String> reported = new ArrayList<>();
        for (SegmentObject segment : collector.segments()) {
          for (SpanObject span : segment.getSpansList()) {
            reported.add(span.getOperationName());
            reported.add(span.getPeer());
            span.getTagsList().forEach(tag -> reported.add(tag.getKey() + "=" + tag.getValue()));
          }
        }
        INSTANCES
            .keySet()
            .forEach(
                service ->
                    collector
                        .logs(service)
                        .forEach(line -> reported.add(line.getBody().getText().getText())));
        assertThat(reported)
            .isNotEmpty()
            .noneMatch(text -> JWT.matcher(text).find())
            .noneMatch(text -> text.toLowerCase(Locale.ROOT).contains("bearer "));
      }
    } else {
      assertThat(placed.header("X-Trace-Id")).as("no trace context, no header").isNull();
      assertThat(correlation.group(2)).as("no trace context, empty field").isEmpty();
      if (collector != null) {
        assertThat(collector.segments()).as("the core agent alone creates no spans").isEmpty();
        // Nor does it activate the toolkit's logback appender: the services log as without an
        // agent, and no line goes to OAP.
        assertThat(INSTANCES.keySet())
            .allSatisfy(service -> assertThat(collector.logs(service)).as(service).isEmpty());
      }
    }
  }

  @Test
  @Order(4)
  void noLogLineOfAnyServiceCarriesAPlaceholderInsteadOfATraceId() throws IOException {
    for (String name :
        List.of(
            LocalStack.GATEWAY,
            LocalStack.ORDER,
            LocalStack.INVENTORY_A,
            LocalStack.INVENTORY_B,
            LocalStack.BATCH)) {
      Path log =
          name.equals(LocalStack.BATCH) ? LOG_DIR.resolve("batch-jobs.log") : stack.log(name);
      List<String> lines = Files.readAllLines(log);
      assertThat(lines).as(name).isNotEmpty();
      for (String line : lines) {
        Matcher correlation = CORRELATION.matcher(line);
        if (correlation.find()) {
          assertThat(correlation.group(2))
              .as("%s: %s", name, line)
              .satisfiesAnyOf(
                  id -> assertThat(id).isEmpty(), id -> assertThat(id).matches(TRACE_ID));
        }
      }
      assertThat(lines).as(name).noneMatch(l -> l.contains("N/A") || l.contains("TID:"));
    }
  }

  /** The text of the log lines a service sent to the collector within the trace. */
  private static List<String> linesOfTrace(String service, String traceId) {
    return collector.logs(service).stream()
        .filter(l -> l.getTraceContext().getTraceId().equals(traceId))
        .map(l -> l.getBody().getText().getText())
        .toList();
  }

  private static List<String> parentsOf(List<SegmentObject> trace, String service) {
    return trace.stream()
        .filter(s -> s.getService().equals(service))
        .flatMap(s -> s.getSpansList().stream())
        .flatMap(span -> span.getRefsList().stream())
        .map(SegmentReference::getParentService)
        .toList();
  }

  private static String lineContaining(String service, String text) throws IOException {
    return Files.readAllLines(stack.log(service)).stream()
        .filter(line -> line.contains(text))
        .findFirst()
        .orElse(null);
  }
}
