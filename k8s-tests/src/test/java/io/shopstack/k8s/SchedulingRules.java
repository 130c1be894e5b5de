package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.selects;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.strings;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where pods land: topology spread that counts only the workload's own pods, and whether a node of
 * a given size holds the pods that the manifests ask for, by their requests (what the scheduler
 * counts).
 */
final class SchedulingRules {

  private SchedulingRules() {}

  /** Each topology spread constraint selects its own workload's pods and no other workload's. */
  static List<String> spreadPerWorkload(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    List<Workload> all = workloads(objects);
    for (Workload w : all) {
      for (JsonObject constraint : objects(w.podSpec(), "topologySpreadConstraints")) {
        JsonObject selector = obj(constraint, "labelSelector");
        Map<String, String> keys = new HashMap<>();
        for (String key : strings(constraint, "matchLabelKeys")) {
          if (w.podLabels().containsKey(key)) {
            keys.put(key, w.podLabels().get(key));
          }
        }
        List<String> others =
            all.stream()
                .filter(o -> o != w)
                .filter(o -> selects(selector, o.podLabels()))
                .filter(
                    o ->
                        keys.entrySet().stream()
                            .allMatch(k -> k.getValue().equals(o.podLabels().get(k.getKey()))))
                .map(Workload::id)
                .toList();
        if (!others.isEmpty()) {
          violations.add(
              w.id()
                  + ": its topology spread constraint also counts the pods of "
                  + others
                  + ", so two of its own replicas may share a node; select per workload"
                  + " (matchLabelKeys: [app.kubernetes.io/name])");
        }
      }
    }
    return violations;
  }

  /** A node's CPU (millicores) and memory (bytes). */
  record Size(long millicores, long bytes) {

    Size plus(Size other) {
      return new Size(millicores + other.millicores, bytes + other.bytes);
    }

    Size times(long n) {
      return new Size(millicores * n, bytes * n);
    }

    Size max(Size other) {
      return new Size(Math.max(millicores, other.millicores), Math.max(bytes, other.bytes));
    }

    boolean fitsIn(Size node) {
      return millicores <= node.millicores && bytes <= node.bytes;
    }

    @Override
    public String toString() {
      return String.format(
          "%.2f CPU, %.2f GiB", millicores / 1000.0, bytes / (1024.0 * Quantities.MIB));
    }
  }

  enum Load {
    /** Every autoscaler at its minimum, plus one rolling update's surge pod. */
    IDLE_WITH_A_ROLLOUT,
    /** Every autoscaler at its maximum, the suspended CronJobs (a load test) running. */
    SCALED_OUT,
    /**
     * The load test running (the suspended CronJobs too): the autoscalers it drives at their
     * maximum, those it does not drive ({@link LoadTestReplay#NOT_DRIVEN}, with the reason) at
     * their minimum.
     */
    LOAD_TEST
  }

  /** The requests of the pods running under that load, against what the node can give to them. */
  static List<String> fits(List<JsonObject> objects, Size node, Size reserved, Load load) {
    Size total = new Size(0, 0);
    Size surge = new Size(0, 0);
    for (Workload w : workloads(objects)) {
      Size pod = podRequests(w);
      total = total.plus(pod.times(replicas(objects, w, load)));
      if (w.kind().equals("Deployment")
          && !"Recreate".equals(str(w.object(), "spec", "strategy", "type"))) {
        surge = surge.max(pod);
      }
    }
    if (load == Load.IDLE_WITH_A_ROLLOUT) {
      total = total.plus(surge);
    }
    Size available = new Size(node.millicores - reserved.millicores, node.bytes - reserved.bytes);
    return total.fitsIn(available)
        ? List.of()
        : List.of(
            "requests "
                + switch (load) {
                  case SCALED_OUT ->
                      "with every autoscaler at its maximum and the load test running";
                  case LOAD_TEST ->
                      "with the load test running and every autoscaler it drives at its maximum";
                  case IDLE_WITH_A_ROLLOUT ->
                      "with every autoscaler at its minimum plus one surge pod";
                }
                + ": "
                + total
                + "; the node ("
                + node
                + ", less "
                + reserved
                + " for the system) has "
                + available);
  }

  /** How much one pod asks for: the larger of its biggest init container and its containers. */
  static Size podRequests(Workload w) {
    Size init = new Size(0, 0);
    for (JsonObject c : w.initContainers()) {
      init = init.max(requests(c));
    }
    Size main = new Size(0, 0);
    for (JsonObject c : w.containers()) {
      main = main.plus(requests(c));
    }
    return init.max(main);
  }

  private static Size requests(JsonObject container) {
    String cpu = str(container, "resources", "requests", "cpu");
    String memory = str(container, "resources", "requests", "memory");
    return new Size(
        cpu == null ? 0 : Quantities.millicores(cpu),
        memory == null ? 0 : Quantities.bytes(memory));
  }

  /** How many pods of the workload run under that load. */
  static long replicas(List<JsonObject> objects, Workload w, Load load) {
    Optional<JsonObject> hpa =
        ofKind(objects, "HorizontalPodAutoscaler").stream()
            .filter(
                h ->
                    w.kind().equals(str(h, "spec", "scaleTargetRef", "kind"))
                        && w.name().equals(str(h, "spec", "scaleTargetRef", "name")))
            .findFirst();
    if (hpa.isPresent()) {
      boolean atMaximum =
          load == Load.SCALED_OUT
              || (load == Load.LOAD_TEST && !LoadTestReplay.NOT_DRIVEN.containsKey(w.name()));
      String field = atMaximum ? "maxReplicas" : "minReplicas";
      return Long.parseLong(Optional.ofNullable(str(hpa.get(), "spec", field)).orElse("1"));
    }
    return switch (w.kind()) {
      case "CronJob" ->
          "true".equals(str(w.object(), "spec", "suspend")) && load == Load.IDLE_WITH_A_ROLLOUT
              ? 0
              : 1;
      case "Job" ->
          Long.parseLong(Optional.ofNullable(str(w.object(), "spec", "parallelism")).orElse("1"));
      default ->
          Long.parseLong(Optional.ofNullable(str(w.object(), "spec", "replicas")).orElse("1"));
    };
  }
}
