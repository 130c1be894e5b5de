package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.name;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.servicePort;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.stringMap;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The addresses in the services' environment are strings to Kubernetes, so a misspelt host or port
 * only shows as a connection error at run time. Fixtures: {@code broken/addresses/}.
 */
final class AddressRules {

  private static final Pattern URL =
      Pattern.compile("^(?:[a-z][a-z0-9+.-]*:)+//([a-z0-9][a-z0-9.-]*)(?::(\\d+))?(?:[/?].*)?$");

  /** Not private: an agent's collector address is one too (SkyWalkingWiringRules). */
  static final Pattern HOST_PORT = Pattern.compile("^([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)*):(\\d+)$");

  private AddressRules() {}

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
        for (Variable variable : variables(objects, container)) {
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

  private record Variable(String name, String value, String from) {}

  /** The ConfigMaps' variables first, then the container's own, as the kubelet sets them. */
  private static List<Variable> variables(List<JsonObject> objects, JsonObject container) {
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
    return variables;
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
    if (port != null && servicePort(service.get(), port).isEmpty()) {
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
}
