package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.str;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One HorizontalPodAutoscaler with a CPU Utilization target, as kube-controller-manager (1.32)
 * computes it: every sync it takes the pods' CPU samples, sets aside pods that are not Ready (and,
 * in their first five minutes, samples whose window began before the pod became Ready), computes
 * {@code desired = ceil(ready pods x utilization / target)} unless the ratio is within the
 * tolerance, counts set-aside pods as idle when scaling up, then applies the {@code behavior}: the
 * stabilization windows (the lowest recommendation of the scale-up window, the highest of the
 * scale-down window) and the policies' rate limits. Follows replica_calculator.go and
 * horizontal.go; the defaults are the controller's flags and the API's behavior defaults.
 */
final class Autoscaler {

  /** --horizontal-pod-autoscaler-tolerance. */
  static final double TOLERANCE = 0.1;

  /** --horizontal-pod-autoscaler-sync-period, and metrics-server's --metric-resolution. */
  static final int SYNC_SECONDS = 15;

  /** --horizontal-pod-autoscaler-cpu-initialization-period. */
  static final int CPU_INITIALIZATION_SECONDS = 300;

  record Policy(boolean pods, int value, int periodSeconds) {}

  record Rules(int stabilizationSeconds, boolean selectMin, List<Policy> policies) {

    /** One direction of spec.behavior, with the API's defaults where a field is absent. */
    static Rules of(JsonObject behavior, String direction) {
      boolean up = direction.equals("scaleUp");
      JsonObject rules = behavior == null ? null : Manifests.obj(behavior, direction);
      String window = rules == null ? null : str(rules, "stabilizationWindowSeconds");
      String select = rules == null ? null : str(rules, "selectPolicy");
      List<Policy> policies = new ArrayList<>();
      if (rules != null) {
        for (JsonObject p : objects(rules, "policies")) {
          policies.add(
              new Policy(
                  "Pods".equals(str(p, "type")),
                  Integer.parseInt(str(p, "value")),
                  Integer.parseInt(str(p, "periodSeconds"))));
        }
      }
      if (policies.isEmpty()) {
        policies =
            up
                ? List.of(new Policy(false, 100, 15), new Policy(true, 4, 15))
                : List.of(new Policy(false, 100, 15));
      }
      return new Rules(
          window != null ? Integer.parseInt(window) : up ? 0 : 300, "Min".equals(select), policies);
    }
  }

  /** What the HPA and its Deployment say: bounds, target, the pods' CPU request, behavior. */
  record Spec(int min, int max, int targetPercent, long requestMillicores, Rules up, Rules down) {

    static Spec of(JsonObject hpa, long requestMillicores) {
      JsonObject behavior = Manifests.obj(hpa, "spec", "behavior");
      String target =
          objects(hpa, "spec", "metrics").stream()
              .filter(m -> "cpu".equals(str(m, "resource", "name")))
              .map(m -> str(m, "resource", "target", "averageUtilization"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(Manifests.id(hpa) + " has no CPU target"));
      return new Spec(
          Integer.parseInt(Optional.ofNullable(str(hpa, "spec", "minReplicas")).orElse("1")),
          Integer.parseInt(str(hpa, "spec", "maxReplicas")),
          Integer.parseInt(target),
          requestMillicores,
          Rules.of(behavior, "scaleUp"),
          Rules.of(behavior, "scaleDown"));
    }
  }

  /** A pod: when it was created and when it became Ready. */
  record Pod(int createdAt, int readyAt) {
    boolean ready(int now) {
      return now >= readyAt;
    }
  }

  /** A pod's CPU sample: the mean over the metric window that ends at the sample's time. */
  interface Usage {
    double millicores(Pod pod, int windowStart, int windowEnd);
  }

  private record Event(int at, int change) {}

  private final Spec spec;
  private final int readySeconds;
  private final List<Pod> pods = new ArrayList<>();
  private final List<Event> recommendations = new ArrayList<>();
  private final List<Event> scaleUps = new ArrayList<>();
  private final List<Event> scaleDowns = new ArrayList<>();
  private int replicas;
  private int utilization;
  private int recommendation;

  Autoscaler(Spec spec, int readySeconds) {
    this.spec = spec;
    this.readySeconds = readySeconds;
    this.replicas = spec.min();
    for (int i = 0; i < replicas; i++) {
      pods.add(new Pod(-CPU_INITIALIZATION_SECONDS, -CPU_INITIALIZATION_SECONDS));
    }
  }

  Spec spec() {
    return spec;
  }

  int replicas() {
    return replicas;
  }

  List<Pod> pods() {
    return pods;
  }

  long readyPods(int now) {
    return pods.stream().filter(p -> p.ready(now)).count();
  }

  /** The current CPU utilization as {@code kubectl get hpa} shows it (percent of the request). */
  int utilization() {
    return utilization;
  }

  /** The metric's recommendation before stabilization and rate limits. */
  int recommendation() {
    return recommendation;
  }

  /** One sync of the controller at {@code now}; returns the replica change it made. */
  int sync(int now, Usage usage) {
    recommendation = metricRecommendation(now, usage);
    int target = rateLimit(now, stabilize(now, recommendation));
    int change = target - replicas;
    if (change > 0) {
      scaleUps.add(new Event(now, change));
      for (int i = 0; i < change; i++) {
        pods.add(new Pod(now, now + readySeconds));
      }
    } else if (change < 0) {
      scaleDowns.add(new Event(now, -change));
      for (int i = 0; i < -change; i++) {
        pods.removeLast(); // a ReplicaSet deletes its newest pods first
      }
    }
    replicas = target;
    return change;
  }

  /** replica_calculator.go's GetResourceReplicas for one CPU Utilization target. */
  private int metricRecommendation(int now, Usage usage) {
    double used = 0;
    int ready = 0;
    int missing = 0;
    int unready = 0;
    for (Pod pod : pods) {
      if (pod.createdAt() > now - SYNC_SECONDS) {
        missing++; // no full metric window yet
      } else if (!pod.ready(now)
          || (pod.createdAt() + CPU_INITIALIZATION_SECONDS > now
              && now < pod.readyAt() + SYNC_SECONDS)) {
        unready++; // its sample began before it was Ready
      } else {
        used += usage.millicores(pod, now - SYNC_SECONDS, now);
        ready++;
      }
    }
    if (ready == 0) {
      return replicas;
    }
    double request = spec.requestMillicores();
    double target = spec.targetPercent() / 100.0;
    utilization = (int) Math.round(used / (ready * request) * 100);
    double ratio = used / (ready * request) / target;
    boolean rebalanceUnready = unready > 0 && ratio > 1;
    if (!rebalanceUnready && missing == 0) {
      return Math.abs(ratio - 1) <= TOLERANCE ? replicas : (int) Math.ceil(ratio * ready);
    }
    int counted = ready;
    if (missing > 0 && ratio != 1) {
      // Scaling down, a pod without a sample counts as using its whole request; up, nothing.
      used += ratio < 1 ? missing * request * Math.max(1, target) : 0;
      counted += missing;
    }
    if (rebalanceUnready) {
      counted += unready; // using nothing
    }
    double rebalanced = used / (counted * request) / target;
    if (Math.abs(rebalanced - 1) <= TOLERANCE || (ratio < 1) != (rebalanced < 1)) {
      return replicas;
    }
    int desired = (int) Math.ceil(rebalanced * counted);
    return (rebalanced < 1 && desired > replicas) || (rebalanced > 1 && desired < replicas)
        ? replicas
        : desired;
  }

  private int stabilize(int now, int desired) {
    int up = desired;
    int down = desired;
    for (Event r : recommendations) {
      if (r.at() > now - spec.up().stabilizationSeconds()) {
        up = Math.min(up, r.change());
      }
      if (r.at() > now - spec.down().stabilizationSeconds()) {
        down = Math.max(down, r.change());
      }
    }
    recommendations.add(new Event(now, desired));
    return Math.min(Math.max(replicas, up), down);
  }

  private int rateLimit(int now, int desired) {
    if (desired > replicas) {
      int limit = spec.up().selectMin() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
      for (Policy p : spec.up().policies()) {
        int start =
            replicas
                - changed(scaleUps, now, p.periodSeconds())
                + changed(scaleDowns, now, p.periodSeconds());
        int proposed =
            p.pods() ? start + p.value() : (int) Math.ceil(start * (1 + p.value() / 100.0));
        limit = spec.up().selectMin() ? Math.min(limit, proposed) : Math.max(limit, proposed);
      }
      return Math.min(desired, Math.min(spec.max(), Math.max(limit, replicas)));
    }
    if (desired < replicas) {
      int limit = spec.down().selectMin() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
      for (Policy p : spec.down().policies()) {
        int start =
            replicas
                + changed(scaleDowns, now, p.periodSeconds())
                - changed(scaleUps, now, p.periodSeconds());
        int proposed = p.pods() ? start - p.value() : (int) (start * (1 - p.value() / 100.0));
        limit = spec.down().selectMin() ? Math.max(limit, proposed) : Math.min(limit, proposed);
      }
      return Math.max(desired, Math.max(spec.min(), Math.min(limit, replicas)));
    }
    return Math.max(spec.min(), Math.min(spec.max(), desired));
  }

  private static int changed(List<Event> events, int now, int periodSeconds) {
    return events.stream().filter(e -> e.at() > now - periodSeconds).mapToInt(Event::change).sum();
  }
}
