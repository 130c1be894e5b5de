package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.env;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.strings;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A first {@code kubectl apply -k} starts everything at once, so a workload that needs another one
 * at start must wait for it (with a bound), and its startup probe must allow for that wait:
 * otherwise it crash-loops with a back-off of up to five minutes. And a workload that must never
 * run twice at once (a standalone OAP, a pod that owns a ReadWriteOnce volume) rolls out with
 * {@code Recreate}, not with a surge pod beside the old one.
 */
final class StartupRules {

  static final String DATABASE_WAIT = "SPRING_DATASOURCE_HIKARI_INITIALIZATIONFAILTIMEOUT";
  static final long MIN_WAIT_MILLIS = 60_000;

  /** What a cold JVM with the agent attached needs after the wait, on a slow laptop node. */
  static final long START_SECONDS = 60;

  private StartupRules() {}

  static List<String> dependenciesAwaited(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      for (JsonObject container : w.containers()) {
        String where = w.id() + " container " + str(container, "name");
        Map<String, String> env = env(container);
        if (env.containsKey("SPRING_DATASOURCE_URL")) {
          String wait = env.get(DATABASE_WAIT);
          if (wait == null || Long.parseLong(wait) < MIN_WAIT_MILLIS) {
            violations.add(
                where
                    + ": connects to its database at start without waiting for it ("
                    + DATABASE_WAIT
                    + " of at least "
                    + MIN_WAIT_MILLIS
                    + " ms): on a first apply it crash-loops until PostgreSQL is ready");
          } else {
            long needed = Long.parseLong(wait) / 1000 + START_SECONDS;
            long allowed = startupSeconds(container);
            if (allowed < needed) {
              violations.add(
                  where
                      + ": the startup probe allows "
                      + allowed
                      + " s, less than the database wait ("
                      + Long.parseLong(wait) / 1000
                      + " s) plus "
                      + START_SECONDS
                      + " s to start the JVM");
            }
          }
        }
        if (SkyWalkingRules.isOap(container) && "banyandb".equals(env.get("SW_STORAGE"))) {
          for (String target : String.valueOf(env.get("SW_STORAGE_BANYANDB_TARGETS")).split(",")) {
            String[] hostPort = target.trim().split(":");
            boolean awaited =
                w.initContainers().stream()
                    .map(c -> String.join(" ", strings(c, "command")) + strings(c, "args"))
                    .anyMatch(
                        script ->
                            script.contains(hostPort[0])
                                && (hostPort.length < 2 || script.contains(hostPort[1])));
            if (!awaited) {
              violations.add(
                  where
                      + ": OAP starts before its storage "
                      + target.trim()
                      + " answers and exits when it does not: add an init container that waits"
                      + " for it");
            }
          }
        }
      }
    }
    return violations;
  }

  /** initialDelaySeconds + periodSeconds x failureThreshold of the startup probe (0 without). */
  static long startupSeconds(JsonObject container) {
    JsonObject probe = obj(container, "startupProbe");
    if (probe == null) {
      return 0;
    }
    long delay = number(probe, "initialDelaySeconds", 0);
    return delay + number(probe, "periodSeconds", 10) * number(probe, "failureThreshold", 3);
  }

  static List<String> singletonsRecreate(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      if (!w.kind().equals("Deployment")) {
        continue;
      }
      String reason = singleInstanceReason(objects, w);
      String strategy =
          Optional.ofNullable(str(w.object(), "spec", "strategy", "type")).orElse("RollingUpdate");
      if (reason != null && !strategy.equals("Recreate")) {
        violations.add(
            w.id()
                + ": "
                + reason
                + ", but it rolls out with "
                + strategy
                + ": the new pod would run beside the old one; use strategy Recreate");
      }
    }
    return violations;
  }

  private static String singleInstanceReason(List<JsonObject> objects, Workload w) {
    for (JsonObject container : w.containers()) {
      Map<String, String> env = env(container);
      if (SkyWalkingRules.isOap(container)
          && "standalone".equals(env.getOrDefault("SW_CLUSTER", "standalone"))) {
        return "a standalone OAP (SW_CLUSTER=standalone) must run alone";
      }
    }
    for (JsonObject volume : objects(w.podSpec(), "volumes")) {
      String claim = str(volume, "persistentVolumeClaim", "claimName");
      Optional<JsonObject> pvc = find(objects, "PersistentVolumeClaim", claim);
      if (claim != null
          && pvc.isPresent()
          && strings(pvc.get(), "spec", "accessModes").contains("ReadWriteOnce")) {
        return "its pod mounts the ReadWriteOnce claim " + claim;
      }
    }
    return null;
  }

  private static long number(JsonObject o, String field, long otherwise) {
    String value = str(o, field);
    return value == null ? otherwise : Long.parseLong(value);
  }
}
