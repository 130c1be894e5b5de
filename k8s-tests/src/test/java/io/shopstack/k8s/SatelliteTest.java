package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.env;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import io.shopstack.k8s.SchedulingRules.Load;
import io.shopstack.k8s.SchedulingRules.Size;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * With components/skywalking-satellite every JVM's agent reports to the Satellite on its own node
 * (a DaemonSet behind a Service with {@code internalTrafficPolicy: Local}), which forwards to the
 * OAP Service. The component is rendered alone, with every other component and on the production
 * overlay; its pods pass the rules every pod of the stack passes, the network policies allow
 * exactly agent -> Satellite -> OAP, and broken fixtures show each link of the relay being caught.
 */
class SatelliteTest {

  static final String COMPONENT = "skywalking-satellite";

  /** The checks that every pod and policy of the stack passes. */
  private static final List<String> STACK_RULES =
      List.of(
          "selectors",
          "services",
          "references",
          "addresses",
          "networkPolicies",
          "hardening",
          "rbac",
          "labels",
          "memory",
          "startup",
          "spread",
          "emptyDirs",
          "images",
          "internetEgress");

  private final List<JsonObject> satellite = Renders.all().get("k8s+" + COMPONENT);

  @Test
  void isRenderedAloneAndWithEveryCombinationOfTheOtherComponents() {
    assertThat(Renders.components()).contains(COMPONENT);
    assertThat(
            Renders.all().keySet().stream()
                .filter(render -> List.of(render.split("\\+")).contains(COMPONENT)))
        .hasSize(1 << (Renders.components().size() - 1))
        .contains("k8s+" + COMPONENT, "k8s+network-policies+" + COMPONENT);
  }

  @TestFactory
  Stream<DynamicTest> everyRenderWithTheSatelliteRelaysEveryAgentToOap() {
    return Fixtures.forEveryRender(
        (render, objects) -> {
          assertThat(SatelliteRules.relays(objects))
              .as("satellite relay violations in %s", render)
              .isEmpty();
          assertThat(SatelliteRules.satellites(objects).isEmpty())
              .as("the Satellite runs in %s only with its component", render)
              .isEqualTo(!render.contains(COMPONENT));
        });
  }

  @Test
  void everyJvmWorkloadReportsToItsNodesSatellite() {
    Map<String, String> collectors = collectors(satellite);
    assertThat(collectors).containsOnlyKeys(SkyWalkingWiringTest.JVM_WORKLOADS);
    assertThat(collectors.values()).containsOnly("skywalking-satellite:11800");
    // Without the component they report to OAP itself, as before.
    assertThat(collectors(Renders.all().get("k8s")).values()).containsOnly("skywalking-oap:11800");
  }

  @Test
  void theServiceKeepsEachAgentOnItsNodeAndSelectsTheDaemonSet() {
    JsonObject service = find(satellite, "Service", COMPONENT).orElseThrow();
    assertThat(str(service, "spec", "internalTrafficPolicy")).isEqualTo("Local");
    List<Workload> selected = Manifests.selectedBy(satellite, service);
    assertThat(selected).extracting(Workload::id).containsExactly("DaemonSet/" + COMPONENT);
    assertThat(SatelliteRules.satellites(satellite))
        .extracting(Workload::id)
        .containsExactly("DaemonSet/" + COMPONENT);
    JsonObject port = Manifests.objects(service, "spec", "ports").get(0);
    assertThat(str(port, "port")).isEqualTo("11800");
    assertThat(str(port, "targetPort")).isEqualTo("grpc");
    assertThat(selected.get(0).containerPorts())
        .anySatisfy(
            p -> {
              assertThat(str(p, "name")).isEqualTo("grpc");
              assertThat(str(p, "containerPort")).isEqualTo("11800");
            });
  }

  @Test
  void theDaemonSetForwardsToTheOapServiceWithoutTheKubernetesApi() {
    Workload daemonSet = SatelliteRules.satellites(satellite).get(0);
    Map<String, String> env = env(daemonSet.containers().get(0));
    assertThat(env)
        .containsEntry("SATELLITE_GRPC_ADDRESS", ":11800")
        .containsEntry("SATELLITE_GRPC_CLIENT_FINDER", "static")
        .containsEntry("SATELLITE_GRPC_CLIENT", "skywalking-oap:11800");
    assertThat(SatelliteRules.oapProblem(satellite, env.get("SATELLITE_GRPC_CLIENT"))).isNull();
    assertThat(str(daemonSet.containers().get(0), "image"))
        .matches("apache/skywalking-satellite:v\\d+\\.\\d+\\.\\d+");
    // The static finder needs no API access: no token, no Role.
    assertThat(str(daemonSet.podSpec(), "automountServiceAccountToken")).isEqualTo("false");
    assertThat(ofKind(satellite, "RoleBinding"))
        .noneSatisfy(
            b ->
                assertThat(Manifests.objects(b, "subjects"))
                    .anySatisfy(s -> assertThat(str(s, "name")).isEqualTo(COMPONENT)));
  }

  @TestFactory
  Stream<DynamicTest> itsPodsPassTheRulesOfEveryPodOfTheStack() {
    Map<String, List<JsonObject>> renders = new LinkedHashMap<>();
    renders.put("k8s+" + COMPONENT, satellite);
    renders.put("overlays/production+" + COMPONENT, Renders.overlayWith("production", COMPONENT));
    return renders.entrySet().stream()
        .flatMap(
            render ->
                Stream.concat(
                    Stream.of(
                        DynamicTest.dynamicTest(
                            "schema on " + render.getKey(),
                            () -> assertThat(Schema.check(render.getValue())).isEmpty())),
                    Fixtures.passes(render.getKey(), render.getValue(), STACK_RULES)));
  }

  @Test
  void productionCanSwitchItOnAndOffInPlace() {
    Map<String, List<JsonObject>> renders = new LinkedHashMap<>();
    renders.put("overlays/production", Renders.all().get("overlays/production"));
    renders.put("overlays/production+" + COMPONENT, Renders.overlayWith("production", COMPONENT));
    assertThat(ImmutableFieldsTest.differences(renders)).isEmpty();
  }

  @Test
  void withTheNetworkPoliciesTheAgentsReachOapOnlyThroughTheSatellite() {
    Set<String> allowed =
        NetworkPolicyRules.flows(Renders.all().get("k8s+network-policies+" + COMPONENT));
    allowed.removeIf(flow -> flow.startsWith("skywalking-oap -> banyandb:"));
    Set<String> expected = new TreeSet<>();
    for (String flow : NetworkFlowsTest.NEEDED) {
      expected.add(
          flow.endsWith(" -> skywalking-oap:11800")
              ? flow.replace(" -> skywalking-oap:11800", " -> skywalking-satellite:11800")
              : flow);
    }
    expected.add("skywalking-satellite -> skywalking-oap:11800");
    expected.add("outside -> skywalking-satellite:1234");
    assertThat(allowed).isEqualTo(expected);
  }

  @Test
  void withoutTheNetworkPoliciesOnlyTheAgentsAndPrometheusReachTheSatellite() {
    Set<String> flows = NetworkPolicyRules.flows(satellite);
    assertThat(flows.stream().filter(f -> f.contains(" -> " + COMPONENT + ":")))
        .containsExactlyInAnyOrder(
            "outside -> skywalking-satellite:1234",
            "auth-server -> skywalking-satellite:11800",
            "gateway -> skywalking-satellite:11800",
            "order-service -> skywalking-satellite:11800",
            "inventory-service -> skywalking-satellite:11800",
            "batch-jobs -> skywalking-satellite:11800");
    assertThat(flows.stream().filter(f -> f.startsWith(COMPONENT + " -> ")))
        .containsExactly("skywalking-satellite -> skywalking-oap:11800");
  }

  @Test
  void listedBeforeTheNetworkPoliciesTheAgentsCannotReachIt() {
    List<JsonObject> objects =
        Renders.render(Renders.withComponents(List.of(COMPONENT, "network-policies")));
    assertThat(SatelliteRules.relays(objects))
        .hasSize(SkyWalkingWiringTest.JVM_WORKLOADS.size() + 1)
        .anySatisfy(
            v ->
                assertThat(v)
                    .contains(
                        "Deployment/gateway container app: the network policies do not allow"
                            + " gateway -> skywalking-satellite:11800"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .contains(
                        "DaemonSet/skywalking-satellite: the network policies do not allow"
                            + " skywalking-satellite -> skywalking-oap:11800"));
  }

  @Test
  void onTheLaptopOverlayItStillFitsTheNode() throws IOException {
    Size node = CapacityTest.laptopNode();
    assertThat(
            SchedulingRules.fits(
                Renders.overlayWith("laptop", COMPONENT),
                node,
                CapacityTest.SYSTEM,
                Load.IDLE_WITH_A_ROLLOUT))
        .isEmpty();
    assertThat(
            SchedulingRules.fits(
                Renders.overlayWith("laptop", "load-test", COMPONENT),
                node,
                CapacityTest.SYSTEM,
                Load.LOAD_TEST))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "agent-past-the-satellite.yaml    | Deployment/web container app: SW_AGENT_COLLECTOR_BACKEND_SERVICES=oap:11800 reports past the node's Satellite",
        "service-cluster-traffic.yaml     | Service/satellite has internalTrafficPolicy Cluster",
        "deployment-not-daemonset.yaml    | Deployment/satellite is not a DaemonSet",
        "service-wrong-target-port.yaml   | Service/satellite port 11800 leads to port 1234, not to 11800 where the Satellite of DaemonSet/satellite listens",
        "forwards-to-missing-service.yaml | SATELLITE_GRPC_CLIENT=skywalking-oap:11800: no Service skywalking-oap",
        "forwards-to-oap-http-port.yaml   | SATELLITE_GRPC_CLIENT=oap:12800: port 12800 is not OAP's gRPC port 11800",
        "image-default-upstream.yaml      | SATELLITE_GRPC_CLIENT=127.0.0.1:11800: 127.0.0.1:11800 is not a Service host:port",
        "kubernetes-finder-without-role.yaml   | the kubernetes finder lists and watches pods, which no Role grants satellite",
        "kubernetes-finder-empty-selector.yaml | the kubernetes finder also forwards to DaemonSet/satellite, which is not OAP",
      })
  void rejectsABrokenRelay(String fixture, String message) {
    Fixtures.rejects("relays", "broken/satellite/" + fixture, message);
  }

  @Test
  void theImagesDefaultsAreRejectedByTheStacksHardening() {
    Fixtures.rejects(
        "hardening",
        "broken/satellite/runs-as-root.yaml",
        "DaemonSet/satellite: pod has no securityContext");
    Fixtures.rejects(
        "hardening",
        "broken/satellite/runs-as-root.yaml",
        "DaemonSet/satellite container satellite: no securityContext");
  }

  /** SW_AGENT_COLLECTOR_BACKEND_SERVICES of each JVM workload's containers, by workload. */
  private static Map<String, String> collectors(List<JsonObject> objects) {
    return Manifests.workloads(objects).stream()
        .filter(SkyWalkingWiringRules::hasAgent)
        .collect(
            Collectors.toMap(
                Workload::id,
                w ->
                    w.containers().stream()
                        .map(c -> env(c).get(SatelliteRules.AGENT_ADDRESS))
                        .collect(Collectors.joining(","))));
  }
}
