package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.get;
import static io.shopstack.k8s.Manifests.id;
import static io.shopstack.k8s.Manifests.labels;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.selects;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.strings;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A typo in a NetworkPolicy's label or port does not fail anywhere: it silently blocks the traffic
 * it meant to allow. So its selectors and ports must name pods and ports of the render, and {@link
 * #flows} evaluates what the policies allow, for NetworkFlowsTest and SatelliteRules to hold
 * against what the stack needs. Fixtures: {@code broken/network-policies/}.
 */
final class NetworkPolicyRules {

  /**
   * Pods of the stack's optional components that the network-policies component lets in without
   * knowing whether they are deployed: the load-test Job restocks through inventory-service's
   * internal API. In a render without that component the peer selects nothing, which is right;
   * NetworkFlowsTest shows the flow allowed when it is there. Any other peer that selects nothing
   * is a typo.
   */
  private static final Set<String> OPTIONAL_COMPONENT_PODS = Set.of("load-test");

  private NetworkPolicyRules() {}

  /**
   * Each NetworkPolicy selects pods that exist, its pod peers exist, and the ports it opens are
   * ports those pods listen on.
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
   * Every allowed "source -> destination:port" among the stack's pods, as a cluster decides it: for
   * every pair of pods and every port the destination listens on, a connection is allowed only when
   * an egress rule of the source and an ingress rule of the destination both allow it.
   */
  static Set<String> flows(List<JsonObject> objects) {
    List<Pod> pods = new ArrayList<>();
    for (Workload workload : workloads(objects)) {
      Map<String, String> podLabels = labels(workload.template());
      Map<String, Integer> ports = new HashMap<>();
      for (JsonObject container : objects(workload.template(), "spec", "containers")) {
        for (JsonObject port : objects(container, "ports")) {
          int number = get(port, "containerPort").getAsInt();
          ports.put(str(port, "name") == null ? String.valueOf(number) : str(port, "name"), number);
        }
      }
      pods.add(new Pod(podLabels.get("app.kubernetes.io/name"), podLabels, ports));
    }
    List<JsonObject> policies = ofKind(objects, "NetworkPolicy");
    Set<String> allowed = new TreeSet<>();
    for (Pod destination : pods) {
      for (int port : new TreeSet<>(destination.ports().values())) {
        if (allows(policies, "Ingress", destination, null, port)) {
          allowed.add("outside -> " + destination.name() + ":" + port);
        }
        for (Pod source : pods) {
          if (source != destination
              && allows(policies, "Egress", source, destination, port)
              && allows(policies, "Ingress", destination, source, port)) {
            allowed.add(source.name() + " -> " + destination.name() + ":" + port);
          }
        }
      }
    }
    return allowed;
  }

  private record Pod(String name, Map<String, String> labels, Map<String, Integer> ports) {}

  /**
   * Whether the policies that select the pod let the peer through: from it for "Ingress", to it for
   * "Egress" (a {@code null} peer is something outside the namespace). A pod that no policy of that
   * type selects is open that way.
   */
  private static boolean allows(
      List<JsonObject> policies, String type, Pod pod, Pod peer, int port) {
    List<JsonObject> selecting = selecting(policies, pod, type);
    if (selecting.isEmpty()) {
      return true;
    }
    boolean ingress = type.equals("Ingress");
    Pod destination = ingress ? pod : peer;
    for (JsonObject policy : selecting) {
      for (JsonObject rule : objects(policy, "spec", ingress ? "ingress" : "egress")) {
        if (portMatches(rule, destination, port)
            && peersMatch(rule, ingress ? "from" : "to", peer)) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<JsonObject> selecting(List<JsonObject> policies, Pod pod, String type) {
    return policies.stream()
        .filter(p -> selects(obj(p, "spec", "podSelector"), pod.labels()))
        .filter(p -> strings(p, "spec", "policyTypes").contains(type))
        .toList();
  }

  private static boolean portMatches(JsonObject rule, Pod destination, int port) {
    List<JsonObject> ports = objects(rule, "ports");
    if (ports.isEmpty()) {
      return true;
    }
    for (JsonObject p : ports) {
      JsonElement value = get(p, "port");
      if (value == null) {
        return true;
      }
      Integer number =
          value.getAsJsonPrimitive().isNumber()
              ? Integer.valueOf(value.getAsInt())
              : destination.ports().get(value.getAsString());
      if (number != null && number == port) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the rule's peers include the pod ({@code null}: something outside the namespace). An
   * ipBlock may cover pod addresses too, so it counts as matching anything.
   */
  private static boolean peersMatch(JsonObject rule, String field, Pod pod) {
    if (get(rule, field) == null) {
      return true;
    }
    for (JsonObject peer : objects(rule, field)) {
      if (obj(peer, "ipBlock") != null) {
        return true;
      }
      JsonObject namespaces = obj(peer, "namespaceSelector");
      JsonObject podSelector = obj(peer, "podSelector");
      if (pod == null) {
        // Outside the namespace: only a namespace selector that is not this namespace's reaches it.
        if (namespaces != null
            && !selects(namespaces, Map.of("kubernetes.io/metadata.name", "shop"))) {
          return true;
        }
        continue;
      }
      boolean namespaceOk =
          namespaces == null || selects(namespaces, Map.of("kubernetes.io/metadata.name", "shop"));
      boolean podOk = podSelector == null || selects(podSelector, pod.labels());
      if (namespaceOk && podOk && (namespaces != null || podSelector != null)) {
        return true;
      }
    }
    return false;
  }
}
