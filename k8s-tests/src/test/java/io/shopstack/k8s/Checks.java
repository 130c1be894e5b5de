package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.arr;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.get;
import static io.shopstack.k8s.Manifests.id;
import static io.shopstack.k8s.Manifests.labels;
import static io.shopstack.k8s.Manifests.name;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.selects;
import static io.shopstack.k8s.Manifests.selectsMap;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.stringMap;
import static io.shopstack.k8s.Manifests.strings;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cross-reference and policy checks over one rendered set of objects. Each check returns its
 * violations, one readable sentence each; an empty list means the set passes.
 */
final class Checks {

  /** The label that marks a workload whose pods run a JVM with the SkyWalking agent. */
  static final String AGENT_LABEL = "shopstack.io/skywalking-agent";

  static final String OAP_IMAGE = "skywalking-oap-server";
  static final int OAP_GRPC_PORT = 11800;

  /** Every check by name, in the order the tests report them. */
  static final Map<String, Function<List<JsonObject>, List<String>>> ALL = new LinkedHashMap<>();

  static {
    ALL.put("selectors", Checks::selectorsMatchTemplates);
    ALL.put("services", Checks::servicesSelectPods);
    ALL.put("references", Checks::referencesExist);
    ALL.put("addresses", Checks::addressesResolve);
    ALL.put("networkPolicies", Checks::networkPoliciesSelectPods);
    ALL.put("skywalking", Checks::skywalkingWiring);
    ALL.put("hardening", Checks::podHardening);
    ALL.put("rollouts", Checks::rollouts);
    ALL.put("rbac", Checks::rbac);
    ALL.put("labels", Checks::labelsAndAnnotations);
    ALL.put("memory", MemoryRules::jvmMemory);
    ALL.put("startup", StartupRules::dependenciesAwaited);
    ALL.put("singletons", StartupRules::singletonsRecreate);
    ALL.put("spread", SchedulingRules::spreadPerWorkload);
    ALL.put("emptyDirs", HygieneRules::emptyDirsLimited);
    ALL.put("images", HygieneRules::imagesPinned);
    ALL.put("jobs", HygieneRules::noBareJobs);
    ALL.put("internetEgress", HygieneRules::noEgressToTheInternet);
    ALL.put("connections", DatabaseRules::poolsFitTheDatabase);
  }

  private Checks() {}

  /** Deployment/StatefulSet/... selectors select their own pod template. */
  static List<String> selectorsMatchTemplates(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      if (w.kind().equals("CronJob") || w.kind().equals("Job")) {
        continue; // the Job controller writes their selectors
      }
      JsonObject selector = obj(w.object(), "spec", "selector");
      if (!selects(selector, w.podLabels())) {
        violations.add(
            w.id()
                + ": selector "
                + selector
                + " does not match its pod template labels "
                + w.podLabels());
      }
    }
    return violations;
  }

  /** Services select existing pods, and each port's targetPort is a port of those pods. */
  static List<String> servicesSelectPods(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (JsonObject service : ofKind(objects, "Service")) {
      Map<String, String> selector = stringMap(obj(service, "spec", "selector"));
      List<Workload> pods = selected(objects, selector);
      if (pods.isEmpty()) {
        violations.add(id(service) + ": selector " + selector + " selects no pod template");
        continue;
      }
      for (JsonObject port : objects(service, "spec", "ports")) {
        JsonElement target = port.has("targetPort") ? port.get("targetPort") : port.get("port");
        if (pods.stream().noneMatch(w -> w.hasPort(target))) {
          violations.add(
              id(service)
                  + ": port "
                  + str(port, "name")
                  + " targets "
                  + target
                  + ", which is not a container port of "
                  + pods.stream().map(Workload::id).toList());
        }
      }
    }
    return violations;
  }

  /**
   * Everything a pod, an autoscaler, a budget, a binding or an ingress refers to exists: ConfigMaps
   * and Secrets (and their keys), ServiceAccounts, volumes, claims, Services, Roles.
   */
  static List<String> referencesExist(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      JsonObject pod = w.podSpec();
      String account = str(pod, "serviceAccountName");
      if (account != null && find(objects, "ServiceAccount", account).isEmpty()) {
        violations.add(w.id() + ": ServiceAccount " + account + " does not exist");
      }
      Set<String> volumeNames = new HashSet<>();
      for (JsonObject volume : objects(pod, "volumes")) {
        volumeNames.add(str(volume, "name"));
        configMapRef(objects, w, obj(volume, "configMap"), "name", null, violations);
        secretRef(objects, w, obj(volume, "secret"), "secretName", null, violations);
        for (JsonObject source : objects(volume, "projected", "sources")) {
          configMapRef(objects, w, obj(source, "configMap"), "name", null, violations);
          secretRef(objects, w, obj(source, "secret"), "name", null, violations);
        }
        String claim = str(volume, "persistentVolumeClaim", "claimName");
        if (claim != null && find(objects, "PersistentVolumeClaim", claim).isEmpty()) {
          violations.add(w.id() + ": PersistentVolumeClaim " + claim + " does not exist");
        }
      }
      for (JsonObject template : objects(w.object(), "spec", "volumeClaimTemplates")) {
        volumeNames.add(name(template));
      }
      for (JsonObject container : w.allContainers()) {
        for (JsonObject mount : objects(container, "volumeMounts")) {
          if (!volumeNames.contains(str(mount, "name"))) {
            violations.add(
                w.id()
                    + ": container "
                    + str(container, "name")
                    + " mounts volume "
                    + str(mount, "name")
                    + ", which the pod does not declare");
          }
        }
        for (JsonObject env : objects(container, "env")) {
          JsonObject from = obj(env, "valueFrom");
          if (from != null) {
            configMapRef(objects, w, obj(from, "configMapKeyRef"), "name", "key", violations);
            secretRef(objects, w, obj(from, "secretKeyRef"), "name", "key", violations);
          }
        }
        for (JsonObject envFrom : objects(container, "envFrom")) {
          configMapRef(objects, w, obj(envFrom, "configMapRef"), "name", null, violations);
          secretRef(objects, w, obj(envFrom, "secretRef"), "name", null, violations);
        }
      }
      if (w.kind().equals("StatefulSet")) {
        String serviceName = str(w.object(), "spec", "serviceName");
        Optional<JsonObject> service = find(objects, "Service", serviceName);
        if (service.isEmpty() || !"None".equals(str(service.get(), "spec", "clusterIP"))) {
          violations.add(
              w.id() + ": serviceName " + serviceName + " is not a headless Service here");
        }
      }
    }
    for (JsonObject hpa : ofKind(objects, "HorizontalPodAutoscaler")) {
      String kind = str(hpa, "spec", "scaleTargetRef", "kind");
      String target = str(hpa, "spec", "scaleTargetRef", "name");
      if (find(objects, kind, target).isEmpty()) {
        violations.add(id(hpa) + ": scaleTargetRef " + kind + "/" + target + " does not exist");
      }
    }
    for (JsonObject pdb : ofKind(objects, "PodDisruptionBudget")) {
      JsonObject selector = obj(pdb, "spec", "selector");
      if (workloads(objects).stream().noneMatch(w -> selects(selector, w.podLabels()))) {
        violations.add(id(pdb) + ": selector " + selector + " selects no pod template");
      }
    }
    for (JsonObject binding : ofKind(objects, "RoleBinding")) {
      String roleKind = str(binding, "roleRef", "kind");
      String role = str(binding, "roleRef", "name");
      if (find(objects, roleKind, role).isEmpty()) {
        violations.add(id(binding) + ": roleRef " + roleKind + "/" + role + " does not exist");
      }
      for (JsonObject subject : objects(binding, "subjects")) {
        if ("ServiceAccount".equals(str(subject, "kind"))
            && find(objects, "ServiceAccount", str(subject, "name")).isEmpty()) {
          violations.add(
              id(binding) + ": subject ServiceAccount " + str(subject, "name") + " does not exist");
        }
      }
    }
    for (JsonObject ingress : ofKind(objects, "Ingress")) {
      for (JsonObject rule : objects(ingress, "spec", "rules")) {
        for (JsonObject path : objects(rule, "http", "paths")) {
          JsonObject backend = obj(path, "backend", "service");
          Optional<JsonObject> service = find(objects, "Service", str(backend, "name"));
          JsonObject port = obj(backend, "port");
          if (service.isEmpty()) {
            violations.add(id(ingress) + ": backend Service " + str(backend, "name") + " missing");
          } else if (objects(service.get(), "spec", "ports").stream()
              .noneMatch(
                  p ->
                      (port.has("name") && str(port, "name").equals(str(p, "name")))
                          || (port.has("number")
                              && port.get("number").getAsInt() == p.get("port").getAsInt()))) {
            violations.add(
                id(ingress) + ": backend port " + port + " is not a port of the Service");
          }
        }
      }
    }
    return violations;
  }

  private static void configMapRef(
      List<JsonObject> objects,
      Workload w,
      JsonObject ref,
      String nameField,
      String keyField,
      List<String> violations) {
    reference(objects, w, ref, "ConfigMap", nameField, keyField, violations);
  }

  private static void secretRef(
      List<JsonObject> objects,
      Workload w,
      JsonObject ref,
      String nameField,
      String keyField,
      List<String> violations) {
    reference(objects, w, ref, "Secret", nameField, keyField, violations);
  }

  private static void reference(
      List<JsonObject> objects,
      Workload w,
      JsonObject ref,
      String kind,
      String nameField,
      String keyField,
      List<String> violations) {
    if (ref == null || "true".equals(str(ref, "optional"))) {
      return;
    }
    String refName = str(ref, nameField);
    Optional<JsonObject> target = find(objects, kind, refName);
    if (target.isEmpty()) {
      violations.add(w.id() + ": " + kind + " " + refName + " does not exist");
      return;
    }
    String key = keyField == null ? null : str(ref, keyField);
    if (key != null) {
      JsonObject data = obj(target.get(), "data");
      JsonObject stringData = obj(target.get(), "stringData");
      if (!(data != null && data.has(key)) && !(stringData != null && stringData.has(key))) {
        violations.add(w.id() + ": " + kind + " " + refName + " has no key " + key);
      }
    }
  }

  private static final Pattern URL =
      Pattern.compile("^(?:[a-z][a-z0-9+.-]*:)+//([a-z0-9][a-z0-9.-]*)(?::(\\d+))?(?:[/?].*)?$");
  private static final Pattern HOST_PORT =
      Pattern.compile("^([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)*):(\\d+)$");

  /**
   * Every in-cluster address in a container's environment (a URL such as the JDBC URL, or a
   * host:port such as the OAP collector), its own variables and those of the ConfigMaps it reads
   * with envFrom (the shared auth ConfigMap's SHOP_AUTH_URL), names a Service of this kustomization
   * (or a pod of a StatefulSet through its headless Service) and one of that Service's ports.
   */
  static List<String> addressesResolve(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      for (JsonObject container : w.allContainers()) {
        // The ConfigMaps' variables first, then the container's own, as the kubelet sets them.
        record Variable(String name, String value, String from) {}
        List<Variable> variables = new ArrayList<>();
        for (JsonObject envFrom : objects(container, "envFrom")) {
          String configMap = str(envFrom, "configMapRef", "name");
          find(objects, "ConfigMap", configMap)
              .ifPresent(
                  c ->
                      stringMap(obj(c, "data"))
                          .forEach(
                              (name, value) ->
                                  variables.add(
                                      new Variable(
                                          name, value, " (from ConfigMap " + configMap + ")"))));
        }
        for (JsonObject env : objects(container, "env")) {
          if (str(env, "value") != null) {
            variables.add(new Variable(str(env, "name"), str(env, "value"), ""));
          }
        }
        for (Variable variable : variables) {
          String value = variable.value();
          Matcher m = URL.matcher(value);
          if (!m.matches()) {
            m = HOST_PORT.matcher(value);
            if (!m.matches()) {
              continue;
            }
          }
          String problem = resolve(objects, m.group(1), m.group(2));
          if (problem != null) {
            violations.add(
                w.id()
                    + ": container "
                    + str(container, "name")
                    + " env "
                    + variable.name()
                    + "="
                    + value
                    + variable.from()
                    + ": "
                    + problem);
          }
        }
      }
    }
    return violations;
  }

  private static String resolve(List<JsonObject> objects, String host, String port) {
    String namespace = namespaceOf(objects);
    String shortHost = host;
    for (String suffix :
        List.of(
            "." + namespace + ".svc.cluster.local", "." + namespace + ".svc", "." + namespace)) {
      if (shortHost.endsWith(suffix)) {
        shortHost = shortHost.substring(0, shortHost.length() - suffix.length());
        break;
      }
    }
    String[] parts = shortHost.split("\\.");
    Optional<JsonObject> service;
    if (parts.length == 1) {
      service = find(objects, "Service", parts[0]);
    } else if (parts.length == 2) {
      service = find(objects, "Service", parts[1]);
      boolean podOfStatefulSet =
          ofKind(objects, "StatefulSet").stream()
              .anyMatch(
                  s ->
                      parts[1].equals(str(s, "spec", "serviceName"))
                          && parts[0].matches(Pattern.quote(name(s)) + "-\\d+"));
      if (service.isPresent() && !podOfStatefulSet) {
        return parts[0] + " is not a pod of a StatefulSet governed by Service " + parts[1];
      }
    } else {
      return "host " + host + " is not a Service of namespace " + namespace;
    }
    if (service.isEmpty()) {
      return "host " + host + " is not a Service of this kustomization";
    }
    if (port != null
        && objects(service.get(), "spec", "ports").stream()
            .noneMatch(p -> port.equals(str(p, "port")))) {
      return "Service " + name(service.get()) + " has no port " + port;
    }
    return null;
  }

  private static String namespaceOf(List<JsonObject> objects) {
    return objects.stream()
        .map(o -> str(o, "metadata", "namespace"))
        .filter(n -> n != null)
        .findFirst()
        .orElse("default");
  }

  /**
   * Each NetworkPolicy selects pods that exist, its pod peers exist, and the ports it opens are
   * ports those pods listen on (a typo in a port or label would silently block traffic).
   */
  static List<String> networkPoliciesSelectPods(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    List<Workload> workloads = workloads(objects);
    for (JsonObject policy : ofKind(objects, "NetworkPolicy")) {
      JsonObject podSelector = obj(policy, "spec", "podSelector");
      List<Workload> own =
          workloads.stream().filter(w -> selects(podSelector, w.podLabels())).toList();
      if (own.isEmpty()) {
        violations.add(id(policy) + ": podSelector " + podSelector + " selects no pod template");
      }
      for (JsonObject rule : objects(policy, "spec", "ingress")) {
        peers(policy, rule, "from", workloads, violations);
        for (JsonObject port : objects(rule, "ports")) {
          if (port.has("port") && own.stream().noneMatch(w -> w.hasPort(port.get("port")))) {
            violations.add(
                id(policy) + ": ingress port " + port.get("port") + " is not a port of its pods");
          }
        }
      }
      for (JsonObject rule : objects(policy, "spec", "egress")) {
        List<Workload> targets = peers(policy, rule, "to", workloads, violations);
        for (JsonObject port : objects(rule, "ports")) {
          if (port.has("port")
              && !targets.isEmpty()
              && targets.stream().noneMatch(w -> w.hasPort(port.get("port")))) {
            violations.add(
                id(policy)
                    + ": egress port "
                    + port.get("port")
                    + " is not a port of "
                    + targets.stream().map(Workload::id).toList());
          }
        }
      }
    }
    return violations;
  }

  /**
   * Pods of the stack's optional components that the network-policies component lets in without
   * knowing whether they are deployed: the load-test Job restocks through inventory-service's
   * internal API. In a render without that component the peer selects nothing, which is right;
   * NetworkFlowsTest shows the flow allowed when it is there. Any other peer that selects nothing
   * is a typo.
   */
  static final Set<String> OPTIONAL_COMPONENT_PODS = Set.of("load-test");

  private static boolean namesAnOptionalComponentsPod(JsonObject podSelector) {
    JsonObject labels = obj(podSelector, "matchLabels");
    return labels != null
        && labels.size() == 1
        && labels.has("app.kubernetes.io/name")
        && OPTIONAL_COMPONENT_PODS.contains(labels.get("app.kubernetes.io/name").getAsString());
  }

  private static List<Workload> peers(
      JsonObject policy,
      JsonObject rule,
      String field,
      List<Workload> workloads,
      List<String> violations) {
    List<Workload> selected = new ArrayList<>();
    for (JsonObject peer : objects(rule, field)) {
      JsonObject podSelector = obj(peer, "podSelector");
      if (podSelector == null || peer.has("namespaceSelector")) {
        continue; // another namespace or an address block: nothing to resolve here
      }
      List<Workload> matched =
          workloads.stream().filter(w -> selects(podSelector, w.podLabels())).toList();
      if (matched.isEmpty() && !namesAnOptionalComponentsPod(podSelector)) {
        violations.add(id(policy) + ": peer podSelector " + podSelector + " selects no pod");
      }
      selected.addAll(matched);
    }
    return selected;
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
      boolean labelled = "java".equals(w.podLabels().get(AGENT_LABEL));
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
      for (String plugin : List.of("apm-jdk-httpclient-plugin", "apm-springmvc-annotation-6.x")) {
        if (!script.contains(plugin)) {
          violations.add(where + ": the agent init container does not activate " + plugin);
        }
      }
      for (String plugin : List.of("webflux", "gateway")) {
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
    Matcher m = HOST_PORT.matcher(collector);
    if (!m.matches()) {
      return "not a host:port";
    }
    Optional<JsonObject> service = find(objects, "Service", m.group(1));
    if (service.isEmpty()) {
      return "no Service " + m.group(1);
    }
    Map<String, String> selector = stringMap(obj(service.get(), "spec", "selector"));
    List<Workload> oaps =
        selected(objects, selector).stream()
            .filter(
                w ->
                    w.containers().stream()
                        .anyMatch(c -> String.valueOf(str(c, "image")).contains(OAP_IMAGE)))
            .toList();
    if (oaps.isEmpty()) {
      // Or a node-local SkyWalking Satellite that relays to OAP (components/skywalking-satellite).
      return SatelliteRules.selectsSatellite(objects, service.get())
          ? SatelliteRules.relayProblem(objects, service.get(), m.group(2))
          : "Service " + m.group(1) + " does not select a SkyWalking OAP pod";
    }
    Optional<JsonObject> port =
        objects(service.get(), "spec", "ports").stream()
            .filter(p -> m.group(2).equals(str(p, "port")))
            .findFirst();
    if (port.isEmpty()) {
      return "Service " + m.group(1) + " has no port " + m.group(2);
    }
    JsonElement target =
        port.get().has("targetPort") ? port.get().get("targetPort") : port.get().get("port");
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

  /**
   * Every container has CPU and memory requests and limits and a hardened security context;
   * long-running containers have readiness and liveness probes; pods run as a numeric non-root user
   * with seccomp, and mount an API token only when their account is bound to a Role.
   */
  static List<String> podHardening(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      JsonObject pod = w.podSpec();
      JsonObject podContext = obj(pod, "securityContext");
      if (podContext == null) {
        violations.add(w.id() + ": pod has no securityContext");
        podContext = new JsonObject();
      }
      if (!"true".equals(str(podContext, "runAsNonRoot"))) {
        violations.add(w.id() + ": pod securityContext lacks runAsNonRoot: true");
      }
      for (String id : List.of("runAsUser", "runAsGroup", "fsGroup")) {
        String value = str(podContext, id);
        if (value == null || !value.matches("[1-9]\\d*")) {
          violations.add(w.id() + ": pod securityContext needs a numeric non-zero " + id);
        }
      }
      if (!"RuntimeDefault".equals(str(podContext, "seccompProfile", "type"))) {
        violations.add(w.id() + ": pod securityContext lacks seccompProfile RuntimeDefault");
      }
      for (JsonObject container : w.allContainers()) {
        String where = w.id() + " container " + str(container, "name");
        for (String kind : List.of("requests", "limits")) {
          for (String resource : List.of("cpu", "memory")) {
            if (str(container, "resources", kind, resource) == null) {
              violations.add(where + ": no " + resource + " " + kind);
            }
          }
        }
        JsonObject context = obj(container, "securityContext");
        if (context == null) {
          violations.add(where + ": no securityContext");
          continue;
        }
        if (!"false".equals(str(context, "allowPrivilegeEscalation"))) {
          violations.add(where + ": allowPrivilegeEscalation is not false");
        }
        if ("true".equals(str(context, "privileged"))) {
          violations.add(where + ": privileged");
        }
        if (!strings(context, "capabilities", "drop").contains("ALL")) {
          violations.add(where + ": capabilities do not drop ALL");
        }
        if (!strings(context, "capabilities", "add").isEmpty()) {
          violations.add(where + ": adds capabilities");
        }
        if (!"true".equals(str(context, "readOnlyRootFilesystem"))) {
          violations.add(
              where
                  + ": readOnlyRootFilesystem is not true (mount an emptyDir where it must"
                  + " write)");
        }
        if ("0".equals(str(context, "runAsUser"))) {
          violations.add(where + ": runs as root");
        }
      }
      if (w.longRunning()) {
        for (JsonObject container : w.containers()) {
          for (String probe : List.of("readinessProbe", "livenessProbe")) {
            if (obj(container, probe) == null) {
              violations.add(w.id() + " container " + str(container, "name") + ": no " + probe);
            }
          }
        }
      }
      String account = Optional.ofNullable(str(pod, "serviceAccountName")).orElse("default");
      boolean tokenMounted =
          !"false".equals(str(pod, "automountServiceAccountToken"))
              && !(str(pod, "automountServiceAccountToken") == null
                  && find(objects, "ServiceAccount", account)
                      .map(sa -> "false".equals(str(sa, "automountServiceAccountToken")))
                      .orElse(false));
      boolean bound =
          ofKind(objects, "RoleBinding").stream()
              .flatMap(b -> objects(b, "subjects").stream())
              .anyMatch(
                  s -> "ServiceAccount".equals(str(s, "kind")) && account.equals(str(s, "name")));
      if (tokenMounted && !bound) {
        violations.add(
            w.id()
                + ": mounts a service-account token although "
                + account
                + " is bound to no Role; set automountServiceAccountToken: false");
      }
    }
    return violations;
  }

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

  /** Nothing cluster-wide, no Secret access, no wildcards. */
  static List<String> rbac(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (JsonObject o : objects) {
      String kind = String.valueOf(Manifests.kind(o));
      if (kind.equals("ClusterRole") || kind.equals("ClusterRoleBinding")) {
        violations.add(id(o) + ": cluster-wide RBAC is not allowed; use a namespaced Role");
      }
      if (kind.equals("Role")) {
        for (JsonObject rule : objects(o, "rules")) {
          List<String> resources = strings(rule, "resources");
          if (resources.contains("secrets")) {
            violations.add(id(o) + ": grants access to secrets " + strings(rule, "verbs"));
          }
          if (resources.contains("*")
              || strings(rule, "verbs").contains("*")
              || strings(rule, "apiGroups").contains("*")) {
            violations.add(id(o) + ": uses a wildcard in " + rule);
          }
        }
      }
    }
    return violations;
  }

  /**
   * The app.kubernetes.io labels are on every object and pod, and pods that serve a management port
   * carry the Prometheus scrape annotations for it.
   */
  static List<String> labelsAndAnnotations(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    List<String> common = List.of("app.kubernetes.io/part-of", "app.kubernetes.io/instance");
    List<String> named = List.of("app.kubernetes.io/name", "app.kubernetes.io/component");
    Set<String> namedKinds =
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
    for (JsonObject o : objects) {
      if ("Namespace".equals(Manifests.kind(o))) {
        continue;
      }
      List<String> required = new ArrayList<>(common);
      if (namedKinds.contains(Manifests.kind(o))) {
        required.addAll(named);
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

  private static List<Workload> selected(List<JsonObject> objects, Map<String, String> selector) {
    return workloads(objects).stream().filter(w -> selectsMap(selector, w.podLabels())).toList();
  }
}
