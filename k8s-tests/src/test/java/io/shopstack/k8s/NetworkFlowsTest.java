package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.get;
import static io.shopstack.k8s.Manifests.labels;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.selects;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The network-policies component, evaluated as a cluster would: for every pair of pods of the stack
 * and every port the destination listens on, a connection is allowed only when an egress rule of
 * the source and an ingress rule of the destination both allow it. The allowed flows must be
 * exactly the ones the stack needs; a policy that opens more, or forgets one, fails the test.
 */
class NetworkFlowsTest {

  /**
   * The flows the stack needs ("outside" is anything not in the namespace: clients, the Ingress
   * controller, Prometheus in a namespace labelled {@code shopstack.io/metrics-scraper=true}).
   */
  static final Set<String> NEEDED =
      Set.of(
          "outside -> gateway:8080",
          "outside -> gateway:9090",
          "outside -> order-service:9090",
          "outside -> inventory-service:9090",
          "outside -> auth-server:9090",
          "outside -> skywalking-oap:1234",
          "gateway -> order-service:8081",
          "gateway -> inventory-service:8082",
          "order-service -> inventory-service:8082",
          "batch-jobs -> order-service:8081",
          "order-service -> postgres:5432",
          "inventory-service -> postgres:5432",
          // Every resource server fetches the JWK set; order-service and batch-jobs also get
          // their client-credentials tokens there.
          "gateway -> auth-server:9000",
          "order-service -> auth-server:9000",
          "inventory-service -> auth-server:9000",
          "batch-jobs -> auth-server:9000",
          "gateway -> skywalking-oap:11800",
          "order-service -> skywalking-oap:11800",
          "inventory-service -> skywalking-oap:11800",
          "batch-jobs -> skywalking-oap:11800",
          "auth-server -> skywalking-oap:11800",
          "skywalking-ui -> skywalking-oap:12800");

  @Test
  void theNetworkPoliciesAllowExactlyTheFlowsTheStackNeeds() {
    List<JsonObject> objects = Renders.render(Renders.withComponents(List.of("network-policies")));
    Set<String> allowed = flows(objects);

    // OAP's own storage is part of SkyWalking, not of the shop: allowed, and nothing else to it.
    Set<String> shop = new TreeSet<>(allowed);
    shop.removeIf(flow -> flow.startsWith("skywalking-oap -> banyandb:"));
    assertThat(allowed)
        .as("OAP reaches its storage")
        .anyMatch(f -> f.startsWith("skywalking-oap -> banyandb:"));
    assertThat(shop).isEqualTo(new TreeSet<>(NEEDED));
  }

  @Test
  void theLoadTestJobReachesTheGatewayInventorysInternalApiAndAuthServerOnly() {
    List<JsonObject> objects =
        Renders.render(Renders.withComponents(List.of("network-policies", "load-test")));
    Set<String> allowed = flows(objects);
    allowed.removeIf(flow -> flow.startsWith("skywalking-oap -> banyandb:"));

    Set<String> loadTest = new TreeSet<>(allowed);
    loadTest.removeIf(flow -> !flow.contains("load-test"));
    // The restock goes to inventory-service's internal API (ShopSimulation.before), the demo
    // users' logins to auth-server.
    assertThat(loadTest)
        .containsExactlyInAnyOrder(
            "load-test -> gateway:8080",
            "load-test -> inventory-service:8082",
            "load-test -> auth-server:9000");
    allowed.removeAll(loadTest);
    assertThat(allowed).isEqualTo(new TreeSet<>(NEEDED));
  }

  @Test
  void withoutTheComponentEverythingIsOpenSoTheCheckWouldNotice() {
    List<JsonObject> objects = Renders.render(Renders.k8s());
    assertThat(flows(objects)).contains("outside -> postgres:5432", "batch-jobs -> postgres:5432");
  }

  @Test
  void anOverlyWideRuleIsReported() {
    List<JsonObject> objects =
        new ArrayList<>(Renders.render(Renders.withComponents(List.of("network-policies"))));
    objects.addAll(Manifests.fixture("broken/network-policies/allow-all-to-postgres.yaml"));
    assertThat(flows(objects)).contains("gateway -> postgres:5432").isNotEqualTo(NEEDED);
  }

  /** Every allowed "source -> destination:port" among the stack's pods. */
  static Set<String> flows(List<JsonObject> objects) {
    List<Pod> pods = new ArrayList<>();
    for (Manifests.Workload workload : Manifests.workloads(objects)) {
      Map<String, String> podLabels = labels(workload.template());
      Map<String, Integer> ports = new HashMap<>();
      for (JsonObject container : objects(workload.template(), "spec", "containers")) {
        for (JsonObject port : objects(container, "ports")) {
          int number = get(port, "containerPort").getAsInt();
          ports.put(str(port, "name") == null ? String.valueOf(number) : str(port, "name"), number);
        }
      }
      pods.add(new Pod(podLabels.get("app.kubernetes.io/name"), podLabels, ports));
    }
    List<JsonObject> policies = ofKind(objects, "NetworkPolicy");
    Set<String> allowed = new TreeSet<>();
    for (Pod destination : pods) {
      for (int port : new TreeSet<>(destination.ports().values())) {
        if (ingressAllows(policies, null, destination, port)) {
          allowed.add("outside -> " + destination.name() + ":" + port);
        }
        for (Pod source : pods) {
          if (source != destination
              && egressAllows(policies, source, destination, port)
              && ingressAllows(policies, source, destination, port)) {
            allowed.add(source.name() + " -> " + destination.name() + ":" + port);
          }
        }
      }
    }
    return allowed;
  }

  record Pod(String name, Map<String, String> labels, Map<String, Integer> ports) {}

  private static boolean ingressAllows(
      List<JsonObject> policies, Pod source, Pod destination, int port) {
    List<JsonObject> selecting = selecting(policies, destination, "Ingress");
    if (selecting.isEmpty()) {
      return true;
    }
    for (JsonObject policy : selecting) {
      for (JsonObject rule : objects(policy, "spec", "ingress")) {
        if (portMatches(rule, destination, port) && peersMatch(rule, "from", source)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean egressAllows(
      List<JsonObject> policies, Pod source, Pod destination, int port) {
    List<JsonObject> selecting = selecting(policies, source, "Egress");
    if (selecting.isEmpty()) {
      return true;
    }
    for (JsonObject policy : selecting) {
      for (JsonObject rule : objects(policy, "spec", "egress")) {
        if (portMatches(rule, destination, port) && peersMatch(rule, "to", destination)) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<JsonObject> selecting(List<JsonObject> policies, Pod pod, String type) {
    return policies.stream()
        .filter(p -> selects(obj(p, "spec", "podSelector"), pod.labels()))
        .filter(p -> strings(p, "spec", "policyTypes").contains(type))
        .toList();
  }

  private static boolean portMatches(JsonObject rule, Pod destination, int port) {
    List<JsonObject> ports = objects(rule, "ports");
    if (ports.isEmpty()) {
      return true;
    }
    for (JsonObject p : ports) {
      JsonElement value = get(p, "port");
      if (value == null) {
        return true;
      }
      Integer number =
          value.getAsJsonPrimitive().isNumber()
              ? Integer.valueOf(value.getAsInt())
              : destination.ports().get(value.getAsString());
      if (number != null && number == port) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the rule's peers include the pod ({@code null}: something outside the namespace). An
   * ipBlock may cover pod addresses too, so it counts as matching anything.
   */
  private static boolean peersMatch(JsonObject rule, String field, Pod pod) {
    if (get(rule, field) == null) {
      return true;
    }
    for (JsonObject peer : objects(rule, field)) {
      if (obj(peer, "ipBlock") != null) {
        return true;
      }
      JsonObject namespaces = obj(peer, "namespaceSelector");
      JsonObject podSelector = obj(peer, "podSelector");
      if (pod == null) {
        // Outside the namespace: only a namespace selector that is not this namespace's reaches it.
        if (namespaces != null
            && !selects(namespaces, Map.of("kubernetes.io/metadata.name", "shop"))) {
          return true;
        }
        continue;
      }
      boolean namespaceOk =
          namespaces == null || selects(namespaces, Map.of("kubernetes.io/metadata.name", "shop"));
      boolean podOk = podSelector == null || selects(podSelector, pod.labels());
      if (namespaceOk && podOk && (namespaces != null || podSelector != null)) {
        return true;
      }
    }
    return false;
  }
}
