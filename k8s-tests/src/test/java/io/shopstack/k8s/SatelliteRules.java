package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.env;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.id;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.selectedBy;
import static io.shopstack.k8s.Manifests.servicePort;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.strings;
import static io.shopstack.k8s.Manifests.workloads;
import static io.shopstack.k8s.SkyWalkingRules.OAP_GRPC_PORT;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SkyWalking Satellite between the agents and OAP (k8s/components/skywalking-satellite) relays
 * only when each link holds: the agents report to its Service, which keeps them on their own node
 * ({@code internalTrafficPolicy: Local}) and so needs a Satellite on every node (a DaemonSet); the
 * Service's port reaches the port the Satellite listens on; the Satellite forwards to OAP's gRPC
 * port (the static finder: through an OAP Service; the kubernetes finder: to the OAP pods it lists
 * with a Role); and the network policies let both hops through. A broken link loses telemetry
 * silently (the agents log, the services run on), so each is checked here.
 */
final class SatelliteRules {

  static final String AGENT_ADDRESS = "SW_AGENT_COLLECTOR_BACKEND_SERVICES";

  // The defaults of the image's configs/satellite_config.yaml (v1.3.0) for the settings read here.
  static final String DEFAULT_LISTEN = ":11800";
  static final String DEFAULT_FINDER = "static";
  static final String DEFAULT_UPSTREAM = "127.0.0.1:11800";

  private static final Pattern IMAGE = Pattern.compile("(?:.*/)?skywalking-satellite(?::.*)?");
  private static final Pattern HOST_PORT = Pattern.compile("^([a-z][a-z0-9-]*):(\\d+)$");

  private SatelliteRules() {}

  static boolean isSatellite(JsonObject container) {
    return IMAGE.matcher(String.valueOf(str(container, "image"))).matches();
  }

  static boolean runsSatellite(Workload w) {
    return w.containers().stream().anyMatch(SatelliteRules::isSatellite);
  }

  /** The workloads whose pods run a Satellite. */
  static List<Workload> satellites(List<JsonObject> objects) {
    return workloads(objects).stream().filter(SatelliteRules::runsSatellite).toList();
  }

  /** The Services that select Satellite pods. */
  static List<JsonObject> services(List<JsonObject> objects) {
    return ofKind(objects, "Service").stream().filter(s -> selectsSatellite(objects, s)).toList();
  }

  static boolean selectsSatellite(List<JsonObject> objects, JsonObject service) {
    return !satellitesBehind(objects, service).isEmpty();
  }

  /**
   * Why agents reporting to this port of a Satellite Service would not reach OAP, or null when they
   * would (the first problem of {@link #relayProblems}).
   */
  static String relayProblem(List<JsonObject> objects, JsonObject service, String port) {
    List<String> problems = relayProblems(objects, service, port);
    return problems.isEmpty() ? null : problems.get(0);
  }

  static List<String> relayProblems(List<JsonObject> objects, JsonObject service, String port) {
    List<String> problems = new ArrayList<>();
    String policy =
        Optional.ofNullable(str(service, "spec", "internalTrafficPolicy")).orElse("Cluster");
    if (!policy.equals("Local")) {
      problems.add(
          id(service)
              + " has internalTrafficPolicy "
              + policy
              + ": an agent's stream may cross to another node's Satellite; set Local");
    }
    List<Workload> satellites = satellitesBehind(objects, service);
    for (Workload w : satellites) {
      if (!w.kind().equals("DaemonSet")) {
        problems.add(
            id(service)
                + " keeps traffic on the node, but "
                + w.id()
                + " is not a DaemonSet: the agents of a node without its pod reach no Satellite");
      }
    }
    if (servicePort(service, port).isEmpty()) {
      problems.add(id(service) + " has no port " + port);
    } else {
      for (Workload w : satellites) {
        for (JsonObject container : w.containers()) {
          int listen = listenPort(container);
          Integer reached = containerPortBehind(service, port, w);
          if (isSatellite(container) && (reached == null || reached != listen)) {
            problems.add(
                id(service)
                    + " port "
                    + port
                    + " leads to "
                    + (reached == null ? "no container port" : "port " + reached)
                    + ", not to "
                    + listen
                    + " where the Satellite of "
                    + w.id()
                    + " listens (SATELLITE_GRPC_ADDRESS)");
          }
        }
      }
    }
    for (Workload w : satellites) {
      problems.addAll(forwardProblems(objects, w));
    }
    return problems;
  }

  /**
   * The Satellite forwards to OAP's gRPC port: with the static finder to OAP Services, with the
   * kubernetes finder to the OAP pods it lists itself, which takes a token and a Role.
   */
  static List<String> forwardProblems(List<JsonObject> objects, Workload w) {
    List<String> problems = new ArrayList<>();
    for (JsonObject container : w.containers()) {
      if (!isSatellite(container)) {
        continue;
      }
      String where = w.id() + " container " + str(container, "name");
      Map<String, String> env = env(container);
      String finder = env.getOrDefault("SATELLITE_GRPC_CLIENT_FINDER", DEFAULT_FINDER);
      if (finder.equals("kubernetes")) {
        problems.addAll(kubernetesFinderProblems(objects, w, env, where));
      } else if (!finder.equals("static")) {
        problems.add(where + ": SATELLITE_GRPC_CLIENT_FINDER=" + finder + " is not a finder");
      } else {
        String upstream = env.getOrDefault("SATELLITE_GRPC_CLIENT", DEFAULT_UPSTREAM);
        for (String address : upstream.split(",")) {
          String problem = oapProblem(objects, address.trim());
          if (problem != null) {
            problems.add(where + ": SATELLITE_GRPC_CLIENT=" + upstream + ": " + problem);
          }
        }
      }
    }
    return problems;
  }

  /**
   * The kubernetes finder lists pods of one namespace by label (Prometheus' pod discovery) and
   * forwards to those with the container port SATELLITE_GRPC_CLIENT_KUBERNETES_EXTRA_PORT: they
   * must be OAP pods (an empty selector would pick the Satellites themselves), and the pod needs a
   * token whose account a Role lets list and watch pods.
   */
  private static List<String> kubernetesFinderProblems(
      List<JsonObject> objects, Workload w, Map<String, String> env, String where) {
    List<String> problems = new ArrayList<>();
    String kind = env.getOrDefault("SATELLITE_GRPC_CLIENT_KUBERNETES_KIND", "pod");
    if (!kind.equals("pod")) {
      problems.add(
          where + ": SATELLITE_GRPC_CLIENT_KUBERNETES_KIND=" + kind + ": only pod is checked here");
      return problems;
    }
    String namespace = env.getOrDefault("SATELLITE_GRPC_CLIENT_KUBERNETES_NAMESPACE", "default");
    String own = str(w.object(), "metadata", "namespace");
    if (own != null && !own.equals(namespace)) {
      problems.add(
          where
              + ": the kubernetes finder looks for OAP in namespace "
              + namespace
              + ", not "
              + own);
    }
    List<Workload> upstreams = upstreams(objects, env);
    if (upstreams.isEmpty()) {
      problems.add(where + ": the kubernetes finder's label selector and port select no OAP pod");
    }
    for (Workload upstream : upstreams) {
      if (!SkyWalkingRules.runsOap(upstream)) {
        problems.add(
            where
                + ": the kubernetes finder also forwards to "
                + upstream.id()
                + ", which is not OAP");
      }
    }
    String account = w.serviceAccount();
    if ("false".equals(str(w.podSpec(), "automountServiceAccountToken"))) {
      problems.add(where + ": the kubernetes finder calls the API, but the pod mounts no token");
    }
    boolean mayListPods =
        ApiAccessRules.bindingsOf(objects, account).stream()
            .flatMap(b -> find(objects, "Role", str(b, "roleRef", "name")).stream())
            .flatMap(r -> objects(r, "rules").stream())
            .anyMatch(
                rule ->
                    strings(rule, "apiGroups").contains("")
                        && strings(rule, "resources").contains("pods")
                        && strings(rule, "verbs").containsAll(List.of("list", "watch")));
    if (!mayListPods) {
      problems.add(
          where
              + ": the kubernetes finder lists and watches pods, which no Role grants "
              + account);
    }
    return problems;
  }

  /** The pods the kubernetes finder forwards to: its label selector's, with the extra port. */
  private static List<Workload> upstreams(List<JsonObject> objects, Map<String, String> env) {
    Map<String, String> selector = new LinkedHashMap<>();
    for (String pair :
        env.getOrDefault("SATELLITE_GRPC_CLIENT_KUBERNETES_SELECTOR_LABEL", "").split(",")) {
      if (pair.contains("=")) {
        selector.put(
            pair.substring(0, pair.indexOf('=')).trim(),
            pair.substring(pair.indexOf('=') + 1).trim());
      }
    }
    int port =
        Integer.parseInt(env.getOrDefault("SATELLITE_GRPC_CLIENT_KUBERNETES_EXTRA_PORT", "11800"));
    return workloads(objects).stream()
        .filter(
            o ->
                selector.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(o.podLabels().get(e.getKey()))))
        .filter(
            o ->
                o.containerPorts().stream()
                    .anyMatch(p -> p.get("containerPort").getAsInt() == port))
        .toList();
  }

  /**
   * Every Satellite Service relays; when the render has one, every agent reports to a Satellite
   * Service (not past it to OAP); and the render's network policies let the agents reach it and it
   * reach OAP.
   */
  static List<String> relays(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    List<JsonObject> services = services(objects);
    for (JsonObject service : services) {
      for (JsonObject port : objects(service, "spec", "ports")) {
        violations.addAll(relayProblems(objects, service, str(port, "port")));
      }
    }
    if (services.isEmpty()) {
      return violations;
    }
    Set<String> names = Set.copyOf(services.stream().map(Manifests::name).toList());
    Set<String> flows = NetworkPolicyRules.flows(objects);
    for (Workload w : workloads(objects)) {
      if (!SkyWalkingWiringRules.hasAgent(w)) {
        continue;
      }
      for (JsonObject container : w.containers()) {
        String where = w.id() + " container " + str(container, "name");
        String address = env(container).get(AGENT_ADDRESS);
        Matcher m = HOST_PORT.matcher(String.valueOf(address));
        if (!m.matches() || !names.contains(m.group(1))) {
          violations.add(
              where
                  + ": "
                  + AGENT_ADDRESS
                  + "="
                  + address
                  + " reports past the node's Satellite (Service "
                  + String.join(", ", names)
                  + ")");
          continue;
        }
        JsonObject service = find(objects, "Service", m.group(1)).orElseThrow();
        for (Workload satellite : satellitesBehind(objects, service)) {
          String flow =
              w.podLabels().get("app.kubernetes.io/name")
                  + " -> "
                  + satellite.podLabels().get("app.kubernetes.io/name")
                  + ":"
                  + containerPortBehind(service, m.group(2), satellite);
          if (!flows.contains(flow)) {
            violations.add(
                where
                    + ": the network policies do not allow "
                    + flow
                    + " (with components/network-policies, list the Satellite's component after"
                    + " it)");
          }
        }
      }
    }
    for (Workload satellite : satellites(objects)) {
      for (JsonObject container : satellite.containers()) {
        if (!isSatellite(container)) {
          continue;
        }
        for (String flow : upstreamFlows(objects, satellite, env(container))) {
          if (!flows.contains(flow)) {
            violations.add(satellite.id() + ": the network policies do not allow " + flow);
          }
        }
      }
    }
    return violations;
  }

  /**
   * "satellite -> oap:port" for each pod the Satellite forwards to (forwardProblems checks them).
   */
  private static List<String> upstreamFlows(
      List<JsonObject> objects, Workload satellite, Map<String, String> env) {
    String from = satellite.podLabels().get("app.kubernetes.io/name") + " -> ";
    List<String> flows = new ArrayList<>();
    if ("kubernetes".equals(env.getOrDefault("SATELLITE_GRPC_CLIENT_FINDER", DEFAULT_FINDER))) {
      String port = env.getOrDefault("SATELLITE_GRPC_CLIENT_KUBERNETES_EXTRA_PORT", "11800");
      for (Workload upstream : upstreams(objects, env)) {
        flows.add(from + upstream.podLabels().get("app.kubernetes.io/name") + ":" + port);
      }
      return flows;
    }
    for (String address : env.getOrDefault("SATELLITE_GRPC_CLIENT", DEFAULT_UPSTREAM).split(",")) {
      Matcher m = HOST_PORT.matcher(address.trim());
      Optional<JsonObject> service =
          m.matches() ? find(objects, "Service", m.group(1)) : Optional.empty();
      if (service.isPresent()) {
        for (Workload upstream : selectedBy(objects, service.get())) {
          flows.add(
              from
                  + upstream.podLabels().get("app.kubernetes.io/name")
                  + ":"
                  + containerPortBehind(service.get(), m.group(2), upstream));
        }
      }
    }
    return flows;
  }

  /** Why host:port is not an OAP Service's gRPC port, or null when it is. */
  static String oapProblem(List<JsonObject> objects, String address) {
    Matcher m = HOST_PORT.matcher(address);
    if (!m.matches()) {
      return address + " is not a Service host:port of this kustomization";
    }
    Optional<JsonObject> service = find(objects, "Service", m.group(1));
    if (service.isEmpty()) {
      return "no Service " + m.group(1);
    }
    List<Workload> oaps = SkyWalkingRules.oapsBehind(objects, service.get());
    if (oaps.isEmpty()) {
      return "Service " + m.group(1) + " does not select a SkyWalking OAP pod";
    }
    for (Workload oap : oaps) {
      Integer port = containerPortBehind(service.get(), m.group(2), oap);
      if (port == null) {
        return "Service " + m.group(1) + " has no port " + m.group(2) + " to " + oap.id();
      }
      if (port != OAP_GRPC_PORT) {
        return "port " + m.group(2) + " is not OAP's gRPC port " + OAP_GRPC_PORT;
      }
    }
    return null;
  }

  /** The port SATELLITE_GRPC_ADDRESS (host:port or :port) listens on. */
  static int listenPort(JsonObject container) {
    String address = env(container).getOrDefault("SATELLITE_GRPC_ADDRESS", DEFAULT_LISTEN);
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The container port of the workload that the Service's port leads to, or null. */
  private static Integer containerPortBehind(JsonObject service, String port, Workload w) {
    Optional<JsonObject> entry = servicePort(service, port);
    if (entry.isEmpty()) {
      return null;
    }
    JsonElement target = Manifests.targetPort(entry.get());
    if (target.getAsJsonPrimitive().isNumber()) {
      return target.getAsInt();
    }
    return w.containerPorts().stream()
        .filter(p -> target.getAsString().equals(str(p, "name")))
        .map(p -> p.get("containerPort").getAsInt())
        .findFirst()
        .orElse(null);
  }

  private static List<Workload> satellitesBehind(List<JsonObject> objects, JsonObject service) {
    return selectedBy(objects, service).stream().filter(SatelliteRules::runsSatellite).toList();
  }
}
