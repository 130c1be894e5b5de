package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.id;
import static io.shopstack.k8s.Manifests.labels;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Labels are how kubectl, dashboards and the selectors find the stack's objects, and Prometheus
 * finds a pod to scrape only by its annotations: a missing one hides an object or a metrics port
 * without any error. Fixtures: {@code broken/policy/}.
 */
final class LabelRules {

  private static final List<String> COMMON =
      List.of("app.kubernetes.io/part-of", "app.kubernetes.io/instance");
  private static final List<String> NAMED =
      List.of("app.kubernetes.io/name", "app.kubernetes.io/component");

  /** The kinds that belong to one component of the stack, and so carry its name. */
  private static final Set<String> NAMED_KINDS =
      Set.of(
          "Deployment",
          "StatefulSet",
          "CronJob",
          "Service",
          "ServiceAccount",
          "PodDisruptionBudget",
          "HorizontalPodAutoscaler",
          "Role",
          "RoleBinding",
          "Ingress");

  private LabelRules() {}

  /**
   * The app.kubernetes.io labels are on every object and pod, and pods that serve a management port
   * carry the Prometheus scrape annotations for it.
   */
  static List<String> labelsAndAnnotations(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (JsonObject o : objects) {
      if ("Namespace".equals(Manifests.kind(o))) {
        continue;
      }
      List<String> required = new ArrayList<>(COMMON);
      if (NAMED_KINDS.contains(Manifests.kind(o))) {
        required.addAll(NAMED);
      }
      for (String label : required) {
        if (!labels(o).containsKey(label)) {
          violations.add(id(o) + ": no label " + label);
        }
      }
    }
    for (Workload w : workloads(objects)) {
      for (String label :
          List.of(
              "app.kubernetes.io/name",
              "app.kubernetes.io/component",
              "app.kubernetes.io/part-of",
              "app.kubernetes.io/instance")) {
        if (!w.podLabels().containsKey(label)) {
          violations.add(w.id() + ": pod template has no label " + label);
        }
      }
      Optional<JsonObject> management =
          w.containerPorts().stream().filter(p -> "management".equals(str(p, "name"))).findFirst();
      Map<String, String> a = w.podAnnotations();
      if (management.isPresent()) {
        if (!"true".equals(a.get("prometheus.io/scrape"))
            || !str(management.get(), "containerPort").equals(a.get("prometheus.io/port"))
            || !"/actuator/prometheus".equals(a.get("prometheus.io/path"))) {
          violations.add(
              w.id()
                  + ": pods with a management port need prometheus.io/scrape \"true\", port "
                  + str(management.get(), "containerPort")
                  + " and path /actuator/prometheus annotations, found "
                  + a);
        }
      }
      Optional<JsonObject> metrics =
          w.containerPorts().stream().filter(p -> "metrics".equals(str(p, "name"))).findFirst();
      if (metrics.isPresent()
          && (!"true".equals(a.get("prometheus.io/scrape"))
              || !str(metrics.get(), "containerPort").equals(a.get("prometheus.io/port"))
              || a.get("prometheus.io/path") == null)) {
        violations.add(
            w.id()
                + ": pods with a metrics port need prometheus.io/scrape \"true\", port "
                + str(metrics.get(), "containerPort")
                + " and path annotations, found "
                + a);
      }
    }
    return violations;
  }
}
