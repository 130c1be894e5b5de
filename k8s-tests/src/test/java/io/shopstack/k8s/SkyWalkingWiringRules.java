package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.servicePort;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.strings;
import static io.shopstack.k8s.Manifests.targetPort;
import static io.shopstack.k8s.Manifests.workloads;
import static io.shopstack.k8s.SkyWalkingRules.OAP_GRPC_PORT;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent side of SkyWalking: a JVM pod without its agent, or with an agent that reports nowhere,
 * runs fine and is simply missing from the traces, so the wiring DESIGN.md describes is checked on
 * every pod. Fixtures: {@code broken/skywalking/}; what OAP itself is given is SkyWalkingRules'.
 */
final class SkyWalkingWiringRules {

  /** The label that marks a workload whose pods run a JVM with the SkyWalking agent. */
  static final String AGENT_LABEL = "shopstack.io/skywalking-agent";

  /**
   * Without them the RestClients' calls (java.net.http) and the Spring MVC controllers make no
   * spans; the WebFlux plugin fails every request on Boot 4 (k8s/README.md, "The agent wiring").
   */
  private static final List<String> REQUIRED_PLUGINS =
      List.of("apm-jdk-httpclient-plugin", "apm-springmvc-annotation-6.x");

  private static final List<String> FORBIDDEN_PLUGINS = List.of("webflux", "gateway");

  private SkyWalkingWiringRules() {}

  static boolean hasAgent(Workload w) {
    return "java".equals(w.podLabels().get(AGENT_LABEL));
  }

  /**
   * Every JVM pod (labelled {@value #AGENT_LABEL}, or running a {@code shop/*} image) is wired to
   * SkyWalking as DESIGN.md says: the agent copied by an init container into a shared emptyDir,
   * JAVA_TOOL_OPTIONS with the javaagent from that volume, a distinct SW_AGENT_NAME, the instance
   * name, and a collector address that is an OAP Service's gRPC port.
   */
  static List<String> skywalkingWiring(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    Map<String, String> agentNames = new HashMap<>();
    for (Workload w : workloads(objects)) {
      boolean labelled = hasAgent(w);
      List<JsonObject> jvms =
          w.containers().stream()
              .filter(c -> labelled || String.valueOf(str(c, "image")).matches("(.*/)?shop/.*"))
              .toList();
      if (!jvms.isEmpty() && !labelled) {
        violations.add(w.id() + ": runs a shop image but its pods lack the label " + AGENT_LABEL);
      }
      for (JsonObject container : jvms) {
        String where = w.id() + " container " + str(container, "name");
        Map<String, JsonObject> env = new HashMap<>();
        objects(container, "env").forEach(e -> env.put(str(e, "name"), e));
        String options =
            env.containsKey("JAVA_TOOL_OPTIONS") ? value(env, "JAVA_TOOL_OPTIONS") : "";
        Matcher agent = Pattern.compile("-javaagent:(\\S+)").matcher(String.valueOf(options));
        if (!agent.find()) {
          violations.add(where + ": JAVA_TOOL_OPTIONS has no -javaagent");
        } else {
          agentVolume(w, container, agent.group(1), where, violations);
        }
        String agentName = agentName(w, env.get("SW_AGENT_NAME"));
        if (agentName == null || agentName.isBlank()) {
          violations.add(where + ": no SW_AGENT_NAME");
        } else if (agentNames.containsKey(agentName)) {
          violations.add(
              where + ": SW_AGENT_NAME " + agentName + " is used by " + agentNames.get(agentName));
        } else {
          agentNames.put(agentName, w.id());
        }
        if (!env.containsKey("SW_AGENT_INSTANCE_NAME")) {
          violations.add(where + ": no SW_AGENT_INSTANCE_NAME");
        }
        String collector = value(env, "SW_AGENT_COLLECTOR_BACKEND_SERVICES");
        String problem = collectorProblem(objects, collector);
        if (problem != null) {
          violations.add(
              where + ": SW_AGENT_COLLECTOR_BACKEND_SERVICES=" + collector + ": " + problem);
        }
      }
    }
    return violations;
  }

  private static String value(Map<String, JsonObject> env, String name) {
    return env.containsKey(name) ? str(env.get(name), "value") : null;
  }

  /** SW_AGENT_NAME as the pod will see it: a value, or a label through the downward API. */
  private static String agentName(Workload w, JsonObject env) {
    if (env == null) {
      return null;
    }
    if (env.has("value")) {
      return str(env, "value");
    }
    String path = str(env, "valueFrom", "fieldRef", "fieldPath");
    Matcher label = Pattern.compile("metadata\\.labels\\['(.+)'\\]").matcher(String.valueOf(path));
    return label.matches() ? w.podLabels().get(label.group(1)) : null;
  }

  private static void agentVolume(
      Workload w, JsonObject container, String jar, String where, List<String> violations) {
    Optional<JsonObject> mount =
        objects(container, "volumeMounts").stream()
            .filter(m -> jar.startsWith(str(m, "mountPath") + "/"))
            .findFirst();
    if (mount.isEmpty()) {
      violations.add(where + ": the javaagent " + jar + " is not on a mounted volume");
      return;
    }
    String volumeName = str(mount.get(), "name");
    boolean emptyDir =
        objects(w.podSpec(), "volumes").stream()
            .anyMatch(v -> volumeName.equals(str(v, "name")) && v.has("emptyDir"));
    if (!emptyDir) {
      violations.add(where + ": the agent volume " + volumeName + " is not an emptyDir");
    }
    if ("true".equals(str(mount.get(), "readOnly"))) {
      violations.add(where + ": the agent volume must be writable (the agent writes logs/)");
    }
    List<JsonObject> copiers =
        w.initContainers().stream()
            .filter(
                c ->
                    String.valueOf(str(c, "image")).contains("skywalking-java-agent")
                        && objects(c, "volumeMounts").stream()
                            .anyMatch(m -> volumeName.equals(str(m, "name"))))
            .toList();
    if (copiers.isEmpty()) {
      violations.add(
          where
              + ": no init container from apache/skywalking-java-agent fills the agent volume "
              + volumeName);
    }
    for (JsonObject copier : copiers) {
      String script = String.join(" ", strings(copier, "command")) + " " + strings(copier, "args");
      for (String plugin : REQUIRED_PLUGINS) {
        if (!script.contains(plugin)) {
          violations.add(where + ": the agent init container does not activate " + plugin);
        }
      }
      for (String plugin : FORBIDDEN_PLUGINS) {
        if (script.contains(plugin)) {
          violations.add(where + ": the agent init container activates a " + plugin + " plugin");
        }
      }
    }
  }

  private static String collectorProblem(List<JsonObject> objects, String collector) {
    if (collector == null) {
      return "not set";
    }
    Matcher m = AddressRules.HOST_PORT.matcher(collector);
    if (!m.matches()) {
      return "not a host:port";
    }
    Optional<JsonObject> service = find(objects, "Service", m.group(1));
    if (service.isEmpty()) {
      return "no Service " + m.group(1);
    }
    List<Workload> oaps = SkyWalkingRules.oapsBehind(objects, service.get());
    if (oaps.isEmpty()) {
      // Or a node-local SkyWalking Satellite that relays to OAP (components/skywalking-satellite).
      return SatelliteRules.selectsSatellite(objects, service.get())
          ? SatelliteRules.relayProblem(objects, service.get(), m.group(2))
          : "Service " + m.group(1) + " does not select a SkyWalking OAP pod";
    }
    Optional<JsonObject> port = servicePort(service.get(), m.group(2));
    if (port.isEmpty()) {
      return "Service " + m.group(1) + " has no port " + m.group(2);
    }
    JsonElement target = targetPort(port.get());
    boolean grpc =
        oaps.stream()
            .flatMap(w -> w.containerPorts().stream())
            .anyMatch(
                p ->
                    p.get("containerPort").getAsInt() == OAP_GRPC_PORT
                        && (target.getAsJsonPrimitive().isNumber()
                            ? target.getAsInt() == OAP_GRPC_PORT
                            : target.getAsString().equals(str(p, "name"))));
    return grpc ? null : "port " + m.group(2) + " is not OAP's gRPC port " + OAP_GRPC_PORT;
  }
}
