package io.shopstack.k8s;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Rendered Kubernetes objects as JSON trees, and small accessors over them. */
final class Manifests {

  private static final Gson GSON = new Gson();

  /** A key written without a value (an alarm rule without settings) must stay visible. */
  private static final Gson GSON_WITH_NULLS = new GsonBuilder().serializeNulls().create();

  private Manifests() {}

  /** Parses multi-document YAML into one JSON object per Kubernetes object. */
  static List<JsonObject> parse(String yaml) {
    List<JsonObject> objects = new ArrayList<>();
    for (Object document : safeYaml().loadAll(yaml)) {
      if (document != null) {
        objects.add(GSON.toJsonTree(document).getAsJsonObject());
      }
    }
    return objects;
  }

  /** Loads a fixture from the test class path, for example {@code broken/schema/x.yaml}. */
  static List<JsonObject> fixture(String resource) {
    try (InputStream in = Manifests.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError("no fixture " + resource + " on the test class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A YAML file that a ConfigMap mounts (OAP's rule files, for example), as one JSON object, so
   * that it is read with the same accessors as the manifests.
   */
  static JsonObject yamlMapping(String file, String content) {
    Object document = safeYaml().load(content);
    if (document == null) {
      return new JsonObject();
    }
    if (!(document instanceof Map<?, ?>)) {
      throw new AssertionError(file + " is not a YAML mapping");
    }
    return GSON_WITH_NULLS.toJsonTree(document).getAsJsonObject();
  }

  /** Plain data only: a manifest or a mounted file must not construct Java objects. */
  private static Yaml safeYaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  static String kind(JsonObject o) {
    return str(o, "kind");
  }

  static String name(JsonObject o) {
    return str(o, "metadata", "name");
  }

  static String id(JsonObject o) {
    return kind(o) + "/" + name(o);
  }

  static JsonObject obj(JsonObject o, String... path) {
    JsonElement e = get(o, path);
    return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
  }

  static JsonArray arr(JsonObject o, String... path) {
    JsonElement e = get(o, path);
    return e != null && e.isJsonArray() ? e.getAsJsonArray() : new JsonArray();
  }

  static List<JsonObject> objects(JsonObject o, String... path) {
    return elements(arr(o, path), JsonElement::isJsonObject, JsonElement::getAsJsonObject);
  }

  static List<String> strings(JsonObject o, String... path) {
    return elements(arr(o, path), JsonElement::isJsonPrimitive, JsonElement::getAsString);
  }

  /** The array's elements of one JSON type; the others are skipped. */
  private static <T> List<T> elements(
      JsonArray array, Predicate<JsonElement> type, Function<JsonElement, T> as) {
    List<T> list = new ArrayList<>();
    for (JsonElement e : array) {
      if (type.test(e)) {
        list.add(as.apply(e));
      }
    }
    return list;
  }

  static String str(JsonObject o, String... path) {
    JsonElement e = get(o, path);
    return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
  }

  static JsonElement get(JsonObject o, String... path) {
    JsonElement current = o;
    for (String key : path) {
      if (current == null || !current.isJsonObject()) {
        return null;
      }
      current = current.getAsJsonObject().get(key);
    }
    return current == null || current.isJsonNull() ? null : current;
  }

  static Map<String, String> stringMap(JsonObject o) {
    Map<String, String> map = new LinkedHashMap<>();
    if (o != null) {
      o.entrySet().stream()
          .filter(e -> e.getValue().isJsonPrimitive())
          .forEach(e -> map.put(e.getKey(), e.getValue().getAsString()));
    }
    return map;
  }

  static Map<String, String> labels(JsonObject o) {
    return stringMap(obj(o, "metadata", "labels"));
  }

  static List<JsonObject> ofKind(List<JsonObject> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(kind(o))).toList();
  }

  static Optional<JsonObject> find(List<JsonObject> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(kind(o)) && name != null && name.equals(name(o)))
        .findFirst();
  }

  /** A container's environment variables that have a plain value (not valueFrom). */
  static Map<String, String> env(JsonObject container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonObject e : objects(container, "env")) {
      if (str(e, "value") != null) {
        env.put(str(e, "name"), str(e, "value"));
      }
    }
    return env;
  }

  /** Workloads with their pod template: Deployments, StatefulSets, DaemonSets, Jobs, CronJobs. */
  static List<Workload> workloads(List<JsonObject> objects) {
    List<Workload> workloads = new ArrayList<>();
    for (JsonObject o : objects) {
      JsonObject template =
          switch (String.valueOf(kind(o))) {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" ->
                obj(o, "spec", "template");
            case "CronJob" -> obj(o, "spec", "jobTemplate", "spec", "template");
            default -> null;
          };
      if (template != null) {
        workloads.add(new Workload(o, template));
      }
    }
    return workloads;
  }

  /** True when a LabelSelector (matchLabels and matchExpressions) selects the labels. */
  static boolean selects(JsonObject selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    for (Map.Entry<String, String> e : stringMap(obj(selector, "matchLabels")).entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonObject expression : objects(selector, "matchExpressions")) {
      String key = str(expression, "key");
      List<String> values = strings(expression, "values");
      boolean ok =
          switch (String.valueOf(str(expression, "operator"))) {
            case "In" -> values.contains(labels.get(key));
            case "NotIn" -> !values.contains(labels.get(key));
            case "Exists" -> labels.containsKey(key);
            case "DoesNotExist" -> !labels.containsKey(key);
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** True when a plain selector map (a Service's) selects the labels; empty selects nothing. */
  static boolean selectsMap(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** The workloads whose pods a Service's selector selects. */
  static List<Workload> selectedBy(List<JsonObject> objects, JsonObject service) {
    Map<String, String> selector = stringMap(obj(service, "spec", "selector"));
    return workloads(objects).stream().filter(w -> selectsMap(selector, w.podLabels())).toList();
  }

  /** The entry of a Service's ports that listens on the port number. */
  static Optional<JsonObject> servicePort(JsonObject service, String port) {
    return objects(service, "spec", "ports").stream()
        .filter(p -> port.equals(str(p, "port")))
        .findFirst();
  }

  /** Where a Service port leads: a container port's number or name; without targetPort, its own. */
  static JsonElement targetPort(JsonObject servicePort) {
    return servicePort.has("targetPort") ? servicePort.get("targetPort") : servicePort.get("port");
  }

  /** A workload object and its pod template. */
  record Workload(JsonObject object, JsonObject template) {

    String id() {
      return Manifests.id(object);
    }

    String kind() {
      return Manifests.kind(object);
    }

    String name() {
      return Manifests.name(object);
    }

    JsonObject podSpec() {
      JsonObject spec = obj(template, "spec");
      return spec == null ? new JsonObject() : spec;
    }

    /** The account the pod runs as: Kubernetes gives it "default" when none is named. */
    String serviceAccount() {
      return Optional.ofNullable(str(podSpec(), "serviceAccountName")).orElse("default");
    }

    Map<String, String> podLabels() {
      return labels(template);
    }

    Map<String, String> podAnnotations() {
      return stringMap(obj(template, "metadata", "annotations"));
    }

    List<JsonObject> containers() {
      return objects(podSpec(), "containers");
    }

    List<JsonObject> initContainers() {
      return objects(podSpec(), "initContainers");
    }

    List<JsonObject> allContainers() {
      List<JsonObject> all = new ArrayList<>(initContainers());
      all.addAll(containers());
      return all;
    }

    boolean longRunning() {
      return List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet").contains(kind());
    }

    List<JsonObject> containerPorts() {
      return containers().stream().flatMap(c -> objects(c, "ports").stream()).toList();
    }

    boolean hasPort(JsonElement port) {
      Predicate<JsonObject> match =
          port.getAsJsonPrimitive().isNumber()
              ? p -> p.has("containerPort") && p.get("containerPort").getAsInt() == port.getAsInt()
              : p -> port.getAsString().equals(str(p, "name"));
      return containerPorts().stream().anyMatch(match);
    }
  }
}
