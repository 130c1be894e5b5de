package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.id;
import static io.shopstack.k8s.Manifests.name;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.selectedBy;
import static io.shopstack.k8s.Manifests.selects;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.stringMap;
import static io.shopstack.k8s.Manifests.targetPort;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one object names must exist in the same render: {@code kubectl apply} accepts a selector
 * that selects nothing or a volume from a ConfigMap that is not there, and the pod then waits, or
 * the Service has no endpoints, without an error anywhere. Fixtures: {@code broken/references/}.
 */
final class ReferenceRules {

  private ReferenceRules() {}

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
      List<Workload> pods = selectedBy(objects, service);
      if (pods.isEmpty()) {
        violations.add(
            id(service)
                + ": selector "
                + stringMap(obj(service, "spec", "selector"))
                + " selects no pod template");
        continue;
      }
      for (JsonObject port : objects(service, "spec", "ports")) {
        JsonElement target = targetPort(port);
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
      violations.addAll(podReferences(objects, w));
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

  /** What the pod template refers to: account, volumes and their sources, mounts, env sources. */
  private static List<String> podReferences(List<JsonObject> objects, Workload w) {
    List<String> violations = new ArrayList<>();
    Refs refs = new Refs(objects, w, violations);
    JsonObject pod = w.podSpec();
    String account = str(pod, "serviceAccountName");
    if (account != null && find(objects, "ServiceAccount", account).isEmpty()) {
      violations.add(w.id() + ": ServiceAccount " + account + " does not exist");
    }
    Set<String> volumeNames = new HashSet<>();
    for (JsonObject volume : objects(pod, "volumes")) {
      volumeNames.add(str(volume, "name"));
      refs.check("ConfigMap", obj(volume, "configMap"), "name", null);
      refs.check("Secret", obj(volume, "secret"), "secretName", null);
      for (JsonObject source : objects(volume, "projected", "sources")) {
        refs.check("ConfigMap", obj(source, "configMap"), "name", null);
        refs.check("Secret", obj(source, "secret"), "name", null);
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
          refs.check("ConfigMap", obj(from, "configMapKeyRef"), "name", "key");
          refs.check("Secret", obj(from, "secretKeyRef"), "name", "key");
        }
      }
      for (JsonObject envFrom : objects(container, "envFrom")) {
        refs.check("ConfigMap", obj(envFrom, "configMapRef"), "name", null);
        refs.check("Secret", obj(envFrom, "secretRef"), "name", null);
      }
    }
    if (w.kind().equals("StatefulSet")) {
      String serviceName = str(w.object(), "spec", "serviceName");
      Optional<JsonObject> service = find(objects, "Service", serviceName);
      if (service.isEmpty() || !"None".equals(str(service.get(), "spec", "clusterIP"))) {
        violations.add(w.id() + ": serviceName " + serviceName + " is not a headless Service here");
      }
    }
    return violations;
  }

  /** Checks one workload's ConfigMap and Secret references into its list of violations. */
  private record Refs(List<JsonObject> objects, Workload w, List<String> violations) {

    /** A reference (unless optional) names an object of the kind, and the key if it has one. */
    void check(String kind, JsonObject ref, String nameField, String keyField) {
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
  }
}
