package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.env;
import static io.shopstack.k8s.Manifests.strings;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every pod of a service keeps its own connection pool open to the database, so the autoscalers'
 * maximum multiplies it: the pools of all pods at their maximum must fit PostgreSQL's {@code
 * max_connections} (100 unless the server is started with another, less the 3 kept for superusers),
 * or the last pods to start cannot connect exactly when the load is highest.
 */
final class DatabaseRules {

  static final int HIKARI_DEFAULT_POOL = 10;
  static final int POSTGRES_DEFAULT_MAX_CONNECTIONS = 100;
  static final int POSTGRES_RESERVED_CONNECTIONS = 3;

  private static final Pattern JDBC_HOST = Pattern.compile("^jdbc:postgresql://([^:/]+)");
  private static final Pattern MAX_CONNECTIONS = Pattern.compile("max_connections=(\\d+)");

  private DatabaseRules() {}

  static List<String> poolsFitTheDatabase(List<JsonObject> objects) {
    Map<String, Long> connections = new LinkedHashMap<>();
    Map<String, List<String>> users = new LinkedHashMap<>();
    for (Workload w : workloads(objects)) {
      for (JsonObject container : w.containers()) {
        Map<String, String> env = env(container);
        Matcher host = JDBC_HOST.matcher(String.valueOf(env.get("SPRING_DATASOURCE_URL")));
        if (!host.find()) {
          continue;
        }
        int pool =
            Integer.parseInt(
                env.getOrDefault(
                    "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE",
                    String.valueOf(HIKARI_DEFAULT_POOL)));
        long pods = SchedulingRules.replicas(objects, w, SchedulingRules.Load.SCALED_OUT);
        connections.merge(host.group(1), pods * pool, Long::sum);
        users
            .computeIfAbsent(host.group(1), h -> new ArrayList<>())
            .add(w.id() + " " + pods + " x " + pool);
      }
    }
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, Long> database : connections.entrySet()) {
      int allowed = maxConnections(objects, database.getKey()) - POSTGRES_RESERVED_CONNECTIONS;
      if (database.getValue() > allowed) {
        violations.add(
            "the connection pools of "
                + users.get(database.getKey())
                + " at their maximum replicas need "
                + database.getValue()
                + " connections to "
                + database.getKey()
                + ", which accepts "
                + allowed
                + ": lower SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE or raise max_connections");
      }
    }
    return violations;
  }

  /** max_connections of the PostgreSQL pod behind the host (postgres-0.postgres: postgres). */
  private static int maxConnections(List<JsonObject> objects, String host) {
    String workload = host.split("\\.")[0].replaceFirst("-\\d+$", "");
    for (Workload w : workloads(objects)) {
      if (!w.name().equals(workload)) {
        continue;
      }
      for (JsonObject container : w.containers()) {
        Matcher m =
            MAX_CONNECTIONS.matcher(
                strings(container, "command") + " " + strings(container, "args"));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
    }
    return POSTGRES_DEFAULT_MAX_CONNECTIONS;
  }
}
