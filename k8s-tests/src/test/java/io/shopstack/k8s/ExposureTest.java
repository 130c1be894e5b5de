package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.get;
import static io.shopstack.k8s.Manifests.id;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Only the gateway is reachable from outside the cluster, and only on its API port: in every render
 * no other Service is a NodePort or LoadBalancer, every Ingress leads to the gateway, and no
 * Service carries a management (actuator) port, which Prometheus scrapes on the pods directly.
 */
class ExposureTest {

  private static final Set<String> MANAGEMENT_PORTS = Set.of("9090", "management");

  @TestFactory
  List<DynamicTest> onlyTheGatewayApiIsExposed() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, List<JsonObject>> render : Renders.all().entrySet()) {
      tests.add(
          DynamicTest.dynamicTest(
              render.getKey(), () -> assertThat(violations(render.getValue())).isEmpty()));
    }
    return tests;
  }

  @Test
  void anExposedBackendIsReported() {
    assertThat(violations(Manifests.fixture("broken/exposure/order-service-nodeport.yaml")))
        .containsExactly(
            "Service/order-service: type NodePort exposes a service other than the gateway",
            "Service/order-service: exposes the management port 9090");
  }

  static List<String> violations(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (JsonObject service : ofKind(objects, "Service")) {
      String type = String.valueOf(str(service, "spec", "type"));
      boolean external = type.equals("NodePort") || type.equals("LoadBalancer");
      if (external && !"gateway".equals(Manifests.name(service))) {
        violations.add(
            id(service) + ": type " + type + " exposes a service other than the gateway");
      }
      for (JsonObject port : objects(service, "spec", "ports")) {
        String number = get(port, "port").getAsString();
        String target =
            get(port, "targetPort") == null ? number : get(port, "targetPort").getAsString();
        if (MANAGEMENT_PORTS.contains(number) || MANAGEMENT_PORTS.contains(target)) {
          violations.add(id(service) + ": exposes the management port 9090");
        }
      }
    }
    for (JsonObject ingress : ofKind(objects, "Ingress")) {
      for (JsonObject rule : objects(ingress, "spec", "rules")) {
        for (JsonObject path : objects(rule, "http", "paths")) {
          String backend = str(path, "backend", "service", "name");
          if (!"gateway".equals(backend)) {
            violations.add(id(ingress) + ": leads to " + backend + ", not the gateway");
          }
        }
      }
    }
    return violations;
  }
}
