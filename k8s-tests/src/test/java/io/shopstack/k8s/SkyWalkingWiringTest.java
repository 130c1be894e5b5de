package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Layer 3, observability: every JVM pod of every render (auth-server, the three services and the
 * CronJob's pods) gets the SkyWalking agent from the init container, reports under its own service
 * name and points at the OAP Service's gRPC port, as DESIGN.md prescribes (SkyWalkingWiringRules).
 * Broken fixtures show each missing piece of that wiring being caught.
 */
class SkyWalkingWiringTest {

  static final List<String> JVM_WORKLOADS =
      List.of(
          "Deployment/auth-server",
          "Deployment/gateway",
          "Deployment/order-service",
          "Deployment/inventory-service",
          "CronJob/batch-jobs");

  @TestFactory
  Stream<DynamicTest> everyJvmPodIsWiredToOap() {
    return Fixtures.everyRenderPasses("skywalking");
  }

  @TestFactory
  Stream<DynamicTest> theFiveJvmWorkloadsCarryTheAgentUnderTheirOwnNames() {
    return Fixtures.forEveryRender(
        (render, objects) -> {
          List<Workload> jvms =
              Manifests.workloads(objects).stream()
                  .filter(SkyWalkingWiringRules::hasAgent)
                  .toList();
          assertThat(jvms)
              .extracting(w -> w.kind() + "/" + w.name())
              .containsExactlyInAnyOrderElementsOf(JVM_WORKLOADS);
          assertThat(jvms)
              .allSatisfy(
                  w -> assertThat(w.podLabels().get("app.kubernetes.io/name")).isEqualTo(w.name()));
          List<JsonObject> initContainers =
              jvms.stream().flatMap(w -> w.initContainers().stream()).toList();
          assertThat(initContainers).hasSize(5);
          assertThat(initContainers.stream().map(c -> Manifests.str(c, "image")))
              .as("one agent version everywhere")
              .allMatch(image -> image.matches("apache/skywalking-java-agent:9\\..*-java21"))
              .containsOnly(Manifests.str(initContainers.get(0), "image"));
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "jvm-without-agent.yaml          | JAVA_TOOL_OPTIONS has no -javaagent",
        "shop-image-without-label.yaml   | lack the label shopstack.io/skywalking-agent",
        "duplicate-agent-name.yaml       | SW_AGENT_NAME shop is used by Deployment/web",
        "collector-http-port.yaml        | port 12800 is not OAP's gRPC port 11800",
        "collector-missing-service.yaml  | no Service oap",
        "no-init-container.yaml          | no init container from apache/skywalking-java-agent",
        "webflux-plugin.yaml             | activates a webflux plugin",
        "missing-httpclient-plugin.yaml  | does not activate apm-jdk-httpclient-plugin",
      })
  void rejectsBrokenWiring(String fixture, String message) {
    Fixtures.rejects("skywalking", "broken/skywalking/" + fixture, message);
  }
}
