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
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Only the gateway is reachable from outside the cluster, and only on its API port: in every render
 * no other Service is a NodePort or LoadBalancer, every Ingress and HTTPRoute leads to the gateway,
 * and no Service carries a management (actuator) port, which Prometheus scrapes on the pods
 * directly. The base itself exposes nothing: {@code kubectl apply -k k8s/} on a cloud cluster must
 * not open a public load balancer in front of demo credentials; exposure is an overlay's or a
 * component's choice.
 */
class ExposureTest {

  private static final Set<String> MANAGEMENT_PORTS = Set.of("9090", "management");

  @TestFactory
  Stream<DynamicTest> onlyTheGatewayApiIsExposed() {
    return Fixtures.forEveryRender((render, objects) -> assertThat(violations(objects)).isEmpty());
  }

  @Test
  void theBaseExposesNothing() {
    assertThat(exposures(Renders.all().get("k8s"))).isEmpty();
    assertThat(exposures(Renders.all().get("overlays/laptop")))
        .containsExactly("Service/gateway: type NodePort");
    assertThat(exposures(Renders.all().get("k8s+gateway-api")))
        .containsExactly("Gateway/shop", "HTTPRoute/gateway");
  }

  @Test
  void aPublicLoadBalancerIsAnExposure() {
    assertThat(exposures(Manifests.fixture("broken/exposure/gateway-load-balancer.yaml")))
        .containsExactly("Service/gateway: type LoadBalancer");
  }

  /** Everything that makes the stack reachable from outside the cluster. */
  static List<String> exposures(List<JsonObject> objects) {
    List<String> exposures = new ArrayList<>();
    for (JsonObject service : ofKind(objects, "Service")) {
      String type = String.valueOf(str(service, "spec", "type"));
      if (type.equals("NodePort") || type.equals("LoadBalancer")) {
        exposures.add(id(service) + ": type " + type);
      }
    }
    for (String kind : List.of("Ingress", "Gateway", "HTTPRoute")) {
      ofKind(objects, kind).forEach(o -> exposures.add(id(o)));
    }
    return exposures;
  }

  @Test
  void anExposedBackendIsReported() {
    assertThat(violations(Manifests.fixture("broken/exposure/order-service-nodeport.yaml")))
        .containsExactly(
            "Service/order-service: type NodePort exposes a service other than the gateway",
            "Service/order-service: exposes the management port 9090",
            "HTTPRoute/order-service: leads to order-service, not the gateway");
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
    for (JsonObject route : ofKind(objects, "HTTPRoute")) {
      for (JsonObject rule : objects(route, "spec", "rules")) {
        for (JsonObject backend : objects(rule, "backendRefs")) {
          if (!"gateway".equals(str(backend, "name"))) {
            violations.add(id(route) + ": leads to " + str(backend, "name") + ", not the gateway");
          }
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
