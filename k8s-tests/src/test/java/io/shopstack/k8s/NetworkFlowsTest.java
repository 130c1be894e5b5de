package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.objects;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The network-policies component, evaluated as a cluster would ({@link NetworkPolicyRules#flows}):
 * the allowed flows must be exactly the ones the stack needs; a policy that opens more, or forgets
 * one, fails the test.
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
    Set<String> allowed = NetworkPolicyRules.flows(objects);

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
    Set<String> allowed = NetworkPolicyRules.flows(objects);
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
    assertThat(NetworkPolicyRules.flows(objects))
        .contains("outside -> postgres:5432", "batch-jobs -> postgres:5432");
  }

  @Test
  void anOverlyWideRuleIsReported() {
    List<JsonObject> objects =
        new ArrayList<>(Renders.render(Renders.withComponents(List.of("network-policies"))));
    objects.addAll(Manifests.fixture("broken/network-policies/allow-all-to-postgres.yaml"));
    assertThat(NetworkPolicyRules.flows(objects))
        .contains("gateway -> postgres:5432")
        .isNotEqualTo(NEEDED);
  }
}
