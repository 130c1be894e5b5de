package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * What the scheduler and the kubelet need to run a container well: requests to place it and limits
 * to contain it (without them it is first to be evicted and may starve its neighbours), and for a
 * long-running one, probes so that it gets traffic only when ready and is restarted when stuck.
 * Part of the "hardening" check; fixtures: {@code broken/policy/}.
 */
final class ProbeAndResourceRules {

  private ProbeAndResourceRules() {}

  /** Every container, init containers too, has CPU and memory requests and limits. */
  static List<String> requestsAndLimits(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      for (JsonObject container : w.allContainers()) {
        String where = w.id() + " container " + str(container, "name");
        for (String kind : List.of("requests", "limits")) {
          for (String resource : List.of("cpu", "memory")) {
            if (str(container, "resources", kind, resource) == null) {
              violations.add(where + ": no " + resource + " " + kind);
            }
          }
        }
      }
    }
    return violations;
  }

  /** The containers of Deployments, StatefulSets, DaemonSets have readiness and liveness probes. */
  static List<String> probes(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      if (!w.longRunning()) {
        continue;
      }
      for (JsonObject container : w.containers()) {
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
          if (obj(container, probe) == null) {
            violations.add(w.id() + " container " + str(container, "name") + ": no " + probe);
          }
        }
      }
    }
    return violations;
  }
}
