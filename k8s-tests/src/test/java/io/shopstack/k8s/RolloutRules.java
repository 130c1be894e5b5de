package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.arr;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.get;
import static io.shopstack.k8s.Manifests.id;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An autoscaled service must keep its capacity while it rolls out or scales, and must be able to
 * roll back; otherwise a release or a burst of load drops requests. Fixtures: {@code
 * broken/policy/}.
 */
final class RolloutRules {

  private RolloutRules() {}

  /**
   * Autoscaled Deployments roll out without losing capacity and can be rolled back: no replicas
   * field (the autoscaler owns it), RollingUpdate with maxUnavailable 0, a revision history, a
   * preStop pause; their autoscaler is autoscaling/v2 on CPU with damped behaviour.
   */
  static List<String> rollouts(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (JsonObject hpa : ofKind(objects, "HorizontalPodAutoscaler")) {
      Optional<JsonObject> target =
          find(
              objects,
              str(hpa, "spec", "scaleTargetRef", "kind"),
              str(hpa, "spec", "scaleTargetRef", "name"));
      for (String direction : List.of("scaleUp", "scaleDown")) {
        if (str(hpa, "spec", "behavior", direction, "stabilizationWindowSeconds") == null
            || arr(hpa, "spec", "behavior", direction, "policies").isEmpty()) {
          violations.add(
              id(hpa) + ": behavior." + direction + " needs a stabilization window and policies");
        }
      }
      if (objects(hpa, "spec", "metrics").stream()
          .noneMatch(m -> "cpu".equals(str(m, "resource", "name")))) {
        violations.add(id(hpa) + ": no CPU metric");
      }
      if (target.isEmpty() || !"Deployment".equals(Manifests.kind(target.get()))) {
        continue;
      }
      JsonObject deployment = target.get();
      if (get(deployment, "spec", "replicas") != null) {
        violations.add(id(deployment) + ": sets replicas although " + id(hpa) + " owns the count");
      }
      if (!"RollingUpdate".equals(str(deployment, "spec", "strategy", "type"))
          || !"0".equals(str(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"))) {
        violations.add(id(deployment) + ": needs a RollingUpdate strategy with maxUnavailable 0");
      }
      if (str(deployment, "spec", "revisionHistoryLimit") == null) {
        violations.add(id(deployment) + ": no revisionHistoryLimit");
      }
      for (Workload w : workloads(List.of(deployment))) {
        for (JsonObject container : w.containers()) {
          if (obj(container, "lifecycle", "preStop") == null) {
            violations.add(
                id(deployment) + " container " + str(container, "name") + ": no preStop pause");
          }
        }
      }
    }
    return violations;
  }
}
