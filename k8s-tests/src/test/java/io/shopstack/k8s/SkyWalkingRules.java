package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.arr;
import static io.shopstack.k8s.Manifests.env;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.selectedBy;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.stringMap;
import static io.shopstack.k8s.Manifests.workloads;
import static io.shopstack.k8s.Manifests.yamlMapping;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of what the stack gives SkyWalking OAP beside its image: the files mounted into OAP's
 * {@code /skywalking/config} (meter rules, alarm rules, UI templates, endpoint grouping) against
 * each other, against OAP's own defaults and against the services' sources; and the OAP, UI and
 * BanyanDB versions against each other. OAP takes a wrong file silently or refuses to start, so
 * each is read here as OAP reads it. Fixtures: {@code broken/skywalking-rules/}; the agents' side
 * is SkyWalkingWiringRules'.
 */
final class SkyWalkingRules {

  static final String OAP_IMAGE = "skywalking-oap-server";
  static final int OAP_GRPC_PORT = 11800;

  /** OAP puts config/ first on its class path, so a file mounted here wins over the jar's. */
  static final String CONFIG = "/skywalking/config/";

  static final String METER_DIR = CONFIG + "meter-analyzer-config/";
  static final String ALARMS = CONFIG + "alarm-settings.yml";
  static final String GROUPING = CONFIG + "endpoint-name-grouping.yml";
  static final String TEMPLATES = CONFIG + "ui-initialized-templates/";
  static final String ACTIVE_FILES = "SW_METER_ANALYZER_ACTIVE_FILES";
  static final String COMPATIBLE_API = "SW_STORAGE_BANYANDB_COMPATIBLE_SERVER_API_VERSIONS";

  /**
   * OAP 10.4.0's default of SW_METER_ANALYZER_ACTIVE_FILES ({@code
   * oap-server/server-starter/src/main/resources/application.yml}, agent-analyzer's {@code
   * meterAnalyzerActiveFiles}, at tag v10.4.0 = b272da3cc1). Setting the variable replaces the
   * list, so the stack repeats it.
   */
  static final List<String> DEFAULT_METER_FILES =
      List.of(
          "datasource",
          "threadpool",
          "satellite",
          "go-runtime",
          "python-runtime",
          "continuous-profiling",
          "java-agent",
          "go-agent",
          "ruby-runtime");

  /** The files of the image's config/meter-analyzer-config/ at v10.4.0, active or not. */
  static final Set<String> IMAGE_METER_FILES =
      Set.of(
          "continuous-profiling",
          "datasource",
          "go-agent",
          "go-runtime",
          "java-agent",
          "network-profiling",
          "python-runtime",
          "ruby-runtime",
          "satellite",
          "spring-micrometer",
          "threadpool");

  /**
   * OAP minor version to the BanyanDB API versions it accepts (OAP refuses to start against
   * another). BanyanDB's API version is {@code api/proto/banyandb/version.go}: "0.8" at v0.8.0,
   * "0.9" at v0.9.0, "0.10" from v0.10.0 through v0.10.3, so a BanyanDB release's minor version is
   * its API version. OAP's side:
   *
   * <ul>
   *   <li>10.2: {@code bydb.dependencies.properties} at v10.2.0, {@code bydb.api.version=0.8};
   *   <li>10.3: the same file at v10.3.0, {@code bydb.api.version=0.9};
   *   <li>10.4: the file is removed; {@code bydb.yml} at v10.4.0, {@code
   *       compatibleServerApiVersions:
   *       ${SW_STORAGE_BANYANDB_COMPATIBLE_SERVER_API_VERSIONS:"0.10"}}.
   * </ul>
   *
   * OAP 11.0 needs 0.11 (helm chart 5.0.0's release notes, web only) and is not in the table: this
   * stack does not run it (k8s/README.md, "SkyWalking").
   */
  static final Map<String, List<String>> BANYANDB_API_BY_OAP =
      Map.of("10.2", List.of("0.8"), "10.3", List.of("0.9"), "10.4", List.of("0.10"));

  private SkyWalkingRules() {}

  static boolean isOap(JsonObject container) {
    return String.valueOf(str(container, "image")).contains(OAP_IMAGE);
  }

  static boolean runsOap(Workload w) {
    return w.containers().stream().anyMatch(SkyWalkingRules::isOap);
  }

  /** The OAP workloads that a Service selects: agents and Satellites report to those. */
  static List<Workload> oapsBehind(List<JsonObject> objects, JsonObject service) {
    return selectedBy(objects, service).stream().filter(SkyWalkingRules::runsOap).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // What OAP reads

  /** The OAP container: its image, its plain environment and the files mounted into it. */
  record Oap(String id, Map<String, String> env, Map<String, String> files) {

    /** Mounted files under a directory, by path relative to it. */
    Map<String, String> under(String dir) {
      Map<String, String> found = new LinkedHashMap<>();
      files.forEach(
          (path, content) -> {
            if (path.startsWith(dir)) {
              found.put(path.substring(dir.length()), content);
            }
          });
      return found;
    }

    /** The mounted MAL files of meter-analyzer-config/, by rule file name without its suffix. */
    Map<String, String> meterFiles() {
      Map<String, String> found = new LinkedHashMap<>();
      under(METER_DIR)
          .forEach(
              (file, content) -> {
                // OAP reads only the directory's own files (ResourceUtils.getPathFiles).
                if (!file.contains("/") && file.matches(".*\\.ya?ml")) {
                  found.put(file.substring(0, file.lastIndexOf('.')), content);
                }
              });
      return found;
    }
  }

  static List<Oap> oaps(List<JsonObject> objects) {
    List<Oap> oaps = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      for (JsonObject container : w.containers()) {
        if (isOap(container)) {
          oaps.add(
              new Oap(
                  w.id() + " container " + str(container, "name"),
                  env(container),
                  mountedFiles(objects, w, container)));
        }
      }
    }
    return oaps;
  }

  /** Mount path to content, for every ConfigMap key mounted into the container. */
  private static Map<String, String> mountedFiles(
      List<JsonObject> objects, Workload w, JsonObject container) {
    Map<String, JsonObject> volumes = new LinkedHashMap<>();
    for (JsonObject volume : objects(w.podSpec(), "volumes")) {
      volumes.put(str(volume, "name"), volume);
    }
    Map<String, String> files = new LinkedHashMap<>();
    for (JsonObject mount : objects(container, "volumeMounts")) {
      JsonObject volume = volumes.get(str(mount, "name"));
      String configMap = volume == null ? null : str(volume, "configMap", "name");
      Optional<JsonObject> source = find(objects, "ConfigMap", configMap);
      if (source.isEmpty()) {
        continue;
      }
      Map<String, String> data = stringMap(obj(source.get(), "data"));
      // A volume's items rename keys to paths; without items every key is a file of its name.
      Map<String, String> paths = new LinkedHashMap<>();
      List<JsonObject> items = objects(volume, "configMap", "items");
      if (items.isEmpty()) {
        data.keySet().forEach(key -> paths.put(key, key));
      } else {
        items.forEach(item -> paths.put(str(item, "path"), str(item, "key")));
      }
      String mountPath = str(mount, "mountPath");
      String subPath = str(mount, "subPath");
      if (subPath != null) {
        String key = paths.get(subPath);
        if (key != null && data.containsKey(key)) {
          files.put(mountPath, data.get(key));
        }
      } else {
        String dir = mountPath.endsWith("/") ? mountPath : mountPath + "/";
        paths.forEach(
            (path, key) -> {
              if (data.containsKey(key)) {
                files.put(dir + path, data.get(key));
              }
            });
      }
    }
    return files;
  }

  /** A MAL file's metrics: metricPrefix_name (MetricConvert.formatMetricName) to expression. */
  static Map<String, String> malMetrics(String file, String content) {
    Map<String, String> metrics = new LinkedHashMap<>();
    JsonObject yaml = yamlMapping(file, content);
    String prefix = str(yaml, "metricPrefix");
    for (JsonObject rule : objects(yaml, "metricsRules")) {
      String name = str(rule, "name");
      if (name != null) {
        metrics.put(
            prefix == null ? name : prefix + "_" + name,
            Objects.requireNonNullElse(str(rule, "exp"), ""));
      }
    }
    return metrics;
  }

  /** Every metric the mounted MAL files define. */
  static Set<String> definedMetrics(Oap oap) {
    Set<String> defined = new TreeSet<>();
    oap.meterFiles().forEach((file, content) -> defined.addAll(malMetrics(file, content).keySet()));
    return defined;
  }

  // ---------------------------------------------------------------------------------------------
  // The checks

  /**
   * Every mounted MAL file is active, and the active list keeps OAP's defaults (setting
   * SW_METER_ANALYZER_ACTIVE_FILES replaces them) and names only files that exist: OAP ignores a
   * mounted file it is not told about, and an active name without a file, without a word.
   */
  static List<String> meterFilesActive(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Oap oap : oaps(objects)) {
      String value = oap.env().get(ACTIVE_FILES);
      List<String> active =
          value == null
              ? DEFAULT_METER_FILES
              : Arrays.stream(value.split(","))
                  .map(String::trim)
                  .filter(s -> !s.isEmpty())
                  .toList();
      Set<String> mounted = oap.meterFiles().keySet();
      for (String file : mounted) {
        if (!active.contains(file)) {
          violations.add(
              oap.id()
                  + ": "
                  + METER_DIR
                  + file
                  + ".yaml is mounted, but "
                  + ACTIVE_FILES
                  + (value == null ? " is not set (OAP's defaults)" : "=" + value)
                  + " does not name "
                  + file
                  + ", so OAP never reads it");
        }
      }
      List<String> dropped =
          DEFAULT_METER_FILES.stream().filter(file -> !active.contains(file)).toList();
      if (!dropped.isEmpty()) {
        violations.add(
            oap.id()
                + ": "
                + ACTIVE_FILES
                + "="
                + value
                + " drops OAP 10.4.0's default meter files "
                + dropped
                + " (the variable replaces the list: repeat "
                + String.join(",", DEFAULT_METER_FILES)
                + ")");
      }
      for (String file : active) {
        if (!IMAGE_METER_FILES.contains(file) && !mounted.contains(file)) {
          violations.add(
              oap.id()
                  + ": "
                  + ACTIVE_FILES
                  + " names "
                  + file
                  + ", which is neither in the image's meter-analyzer-config nor mounted");
        }
      }
    }
    return violations;
  }

  /** Every sample a mounted MAL rule reads is a meter that some service's main code registers. */
  static List<String> meterRulesReadRegisteredMeters(
      List<JsonObject> objects, Map<String, String> registered) {
    List<String> violations = new ArrayList<>();
    for (Oap oap : oaps(objects)) {
      oap.meterFiles()
          .forEach(
              (file, content) ->
                  malMetrics(file, content)
                      .forEach(
                          (metric, exp) -> {
                            for (String sample : malSamples(exp)) {
                              if (!registered.containsKey(sample)) {
                                violations.add(
                                    oap.id()
                                        + ": MAL rule "
                                        + metric
                                        + " in meter-analyzer-config/"
                                        + file
                                        + ".yaml reads "
                                        + sample
                                        + ", which no service's main code registers (the"
                                        + " SkyWalking names of what they register: "
                                        + new TreeSet<>(registered.keySet())
                                        + ")");
                              }
                            }
                          }));
    }
    return violations;
  }

  /**
   * Every rule of the mounted alarm-settings.yml is one OAP reads (its id ends with _rule) and
   * names only metrics that a mounted MAL file defines: OAP refuses to start on an unknown metric.
   */
  static List<String> alarmsUseDefinedMetrics(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Oap oap : oaps(objects)) {
      String content = oap.files().get(ALARMS);
      if (content == null) {
        continue;
      }
      Set<String> defined = definedMetrics(oap);
      JsonObject rules = obj(yamlMapping("alarm-settings.yml", content), "rules");
      if (rules == null) {
        continue;
      }
      for (String id : rules.keySet()) {
        if (!id.endsWith("_rule")) {
          violations.add(
              oap.id() + ": alarm rule " + id + " is ignored by OAP (ids must end with _rule)");
          continue;
        }
        for (String metric : mqeMetrics(String.valueOf(str(rules, id, "expression")))) {
          if (!defined.contains(metric)) {
            violations.add(
                oap.id()
                    + ": alarm rule "
                    + id
                    + " names metric "
                    + metric
                    + ", which no mounted MAL rule defines (defined: "
                    + defined
                    + ")");
          }
        }
      }
    }
    return violations;
  }

  /** Every MQE expression of the mounted UI templates names only metrics that MAL rules define. */
  static List<String> templatesUseDefinedMetrics(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Oap oap : oaps(objects)) {
      Set<String> defined = definedMetrics(oap);
      oap.under(TEMPLATES)
          .forEach(
              (file, content) -> {
                if (!file.endsWith(".json")) {
                  return;
                }
                JsonElement json = JsonParser.parseString(content);
                // UITemplateInitializer: each file is an array of exactly one dashboard.
                if (!json.isJsonArray() || json.getAsJsonArray().size() != 1) {
                  violations.add(
                      oap.id() + ": UI template " + file + " is not an array of one dashboard");
                  return;
                }
                List<String> expressions = new ArrayList<>();
                collectExpressions(json, expressions);
                for (String expression : expressions) {
                  for (String metric : mqeMetrics(expression)) {
                    if (!defined.contains(metric)) {
                      violations.add(
                          oap.id()
                              + ": UI template "
                              + file
                              + " shows metric "
                              + metric
                              + " ("
                              + expression
                              + "), which no mounted MAL rule defines (defined: "
                              + defined
                              + ")");
                    }
                  }
                }
              });
    }
    return violations;
  }

  private static void collectExpressions(JsonElement json, List<String> into) {
    if (json.isJsonArray()) {
      json.getAsJsonArray().forEach(e -> collectExpressions(e, into));
    } else if (json.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : json.getAsJsonObject().entrySet()) {
        if ((e.getKey().equals("expressions") || e.getKey().equals("subExpressions"))
            && e.getValue().isJsonArray()) {
          for (JsonElement expression : (JsonArray) e.getValue()) {
            if (expression.isJsonPrimitive() && !expression.getAsString().isBlank()) {
              into.add(expression.getAsString());
            }
          }
        } else {
          collectExpressions(e.getValue(), into);
        }
      }
    }
  }

  /**
   * The gateway's entry spans are named METHOD:raw path. Every path behind a gateway route that has
   * a variable is grouped by the mounted endpoint-name-grouping.yml to its pattern, no path without
   * a variable is renamed, no rule groups nothing, and the rules are for a service that an agent
   * reports.
   */
  static List<String> groupingCoversGatewayRoutes(
      List<JsonObject> objects, List<ServiceSources.Endpoint> endpoints) {
    List<String> violations = new ArrayList<>();
    Set<String> agentNames = new LinkedHashSet<>();
    for (Workload w : workloads(objects)) {
      if (SkyWalkingWiringRules.hasAgent(w)) {
        agentNames.add(w.podLabels().get("app.kubernetes.io/name"));
      }
    }
    for (Oap oap : oaps(objects)) {
      String content = oap.files().get(GROUPING);
      Map<String, List<String>> rules = new LinkedHashMap<>();
      if (content != null) {
        JsonObject yaml = yamlMapping("endpoint-name-grouping.yml", content);
        for (JsonObject entry : objects(yaml, "grouping")) {
          String service = text(entry.get("service-name"));
          if (service != null) {
            List<String> patterns = new ArrayList<>();
            arr(entry, "rules").forEach(p -> patterns.add(String.valueOf(text(p))));
            rules.put(service, patterns);
          }
        }
      }
      for (String service : rules.keySet()) {
        if (!agentNames.isEmpty() && !agentNames.contains(service)) {
          violations.add(
              oap.id()
                  + ": endpoint-name-grouping.yml has rules for service "
                  + service
                  + ", which no agent reports (agents: "
                  + agentNames
                  + ")");
        }
      }
      List<String> gateway = rules.getOrDefault("gateway", List.of());
      PatternTree tree = new PatternTree(gateway);
      Set<String> used = new LinkedHashSet<>();
      for (ServiceSources.Endpoint endpoint : endpoints) {
        String name = endpoint.name();
        String grouped = name.replaceAll("\\{[^/]*}", "{var}");
        String sample = name.replaceAll("\\{[^/]*}", "b44a04b0-0c1e-4f5e-9d0a-1c2d3e4f5a6b");
        Optional<String> result = tree.match(sample);
        result.ifPresent(used::add);
        if (endpoint.hasVariable() && !result.equals(Optional.of(grouped))) {
          violations.add(
              oap.id()
                  + ": the gateway's route "
                  + endpoint.route()
                  + " reaches "
                  + name
                  + " ("
                  + endpoint.source()
                  + "), which no endpoint-name-grouping rule of service gateway groups (expected"
                  + " rule "
                  + grouped
                  + (result.isPresent() ? ", got " + result.get() : "")
                  + "): OAP keeps one endpoint per value");
        }
        if (!endpoint.hasVariable() && result.isPresent() && !result.get().equals(name)) {
          violations.add(
              oap.id()
                  + ": endpoint-name-grouping rule "
                  + result.get()
                  + " renames the gateway's "
                  + name
                  + " ("
                  + endpoint.source()
                  + "), a path without variables (put a rule for it first)");
        }
      }
      for (String rule : gateway) {
        if (!used.contains(rule)) {
          violations.add(
              oap.id()
                  + ": endpoint-name-grouping rule "
                  + rule
                  + " of service gateway matches no path behind the gateway's routes");
        }
      }
    }
    return violations;
  }

  /**
   * OAP and UI run one version; BanyanDB's minor version is an API version that this OAP version
   * accepts (the table above, or SW_STORAGE_BANYANDB_COMPATIBLE_SERVER_API_VERSIONS if set).
   */
  static List<String> versionsFit(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    Set<String> oapTags = new TreeSet<>();
    Set<String> uiTags = new TreeSet<>();
    Set<String> banyandbTags = new TreeSet<>();
    for (Workload w : workloads(objects)) {
      for (JsonObject container : w.allContainers()) {
        String image = String.valueOf(str(container, "image"));
        String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
        if (image.contains("/skywalking-oap-server:")) {
          oapTags.add(tag);
        } else if (image.contains("/skywalking-ui:")) {
          uiTags.add(tag);
        } else if (image.contains("/skywalking-banyandb:")) {
          banyandbTags.add(tag.replaceFirst("-slim$", ""));
        }
      }
    }
    if (oapTags.size() > 1) {
      violations.add("OAP runs several versions: " + oapTags);
    }
    if (!uiTags.isEmpty() && !uiTags.equals(oapTags)) {
      violations.add("UI " + uiTags + " and OAP " + oapTags + " differ: they are one release");
    }
    Set<String> accepted = new TreeSet<>();
    for (String oap : oapTags) {
      String minor = minor(oap);
      List<String> known = BANYANDB_API_BY_OAP.get(minor);
      if (known == null) {
        violations.add(
            "OAP "
                + oap
                + " is not in the table of BanyanDB API versions (SkyWalkingRules"
                + ".BANYANDB_API_BY_OAP, known: "
                + new TreeSet<>(BANYANDB_API_BY_OAP.keySet())
                + "): add its pair with evidence first");
      } else {
        accepted.addAll(known);
      }
    }
    for (Oap oap : oaps(objects)) {
      String override = oap.env().get(COMPATIBLE_API);
      if (override != null) {
        accepted.clear();
        Arrays.stream(override.replace("\"", "").split(","))
            .map(String::trim)
            .forEach(accepted::add);
      }
    }
    for (String banyandb : banyandbTags) {
      if (!accepted.isEmpty() && !accepted.contains(minor(banyandb))) {
        violations.add(
            "BanyanDB "
                + banyandb
                + " has API version "
                + minor(banyandb)
                + ", but OAP "
                + oapTags
                + " accepts only "
                + accepted
                + ": OAP refuses to start");
      }
    }
    return violations;
  }

  private static String minor(String version) {
    Matcher m = Pattern.compile("^(\\d+\\.\\d+)").matcher(version);
    return m.find() ? m.group(1) : version;
  }

  // ---------------------------------------------------------------------------------------------
  // Names in MAL and MQE expressions

  private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
  private static final Pattern NAME = Pattern.compile("(?<![\\w.:])([A-Za-z_][A-Za-z0-9_]*)");

  /**
   * The sample families a MAL expression reads: its names that are not methods (after a dot, or
   * before a parenthesis), not constants (Layer, SUM, ...: upper case) and not inside strings or
   * closures.
   */
  static Set<String> malSamples(String exp) {
    String text = QUOTED.matcher(exp).replaceAll("''");
    String previous;
    do {
      previous = text;
      text = text.replaceAll("\\{[^{}]*}", "");
    } while (!text.equals(previous));
    Set<String> samples = new LinkedHashSet<>();
    Matcher m = NAME.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      if (!followedBy(text, m.end(), '(') && Character.isLowerCase(name.charAt(0))) {
        samples.add(name);
      }
    }
    return samples;
  }

  /** MQE's keywords (MQELexer.g4 at v10.4.0). */
  private static final Set<String> MQE_KEYWORDS =
      Set.of(
          "bool",
          "avg",
          "count",
          "latest",
          "max",
          "min",
          "sum",
          "abs",
          "ceil",
          "floor",
          "round",
          "increase",
          "rate",
          "top_n",
          "top_n_of",
          "view_as_seq",
          "is_present",
          "relabels",
          "asc",
          "des",
          "aggregate_labels",
          "sort_values",
          "sort_label_values",
          "attr0",
          "attr1",
          "attr2",
          "attr3",
          "attr4",
          "attr5",
          "baseline",
          "value",
          "upper",
          "lower",
          "_");

  /**
   * The metrics an MQE expression names: not keywords, label selectors ({...}), label names of
   * aggregate_labels' function (sum(outcome)) or of relabels (p='50'), nor strings.
   */
  static Set<String> mqeMetrics(String expression) {
    String text = QUOTED.matcher(expression).replaceAll("''");
    text = text.replaceAll("\\{[^}]*}", "");
    text = text.replaceAll(",\\s*(?:sum|avg|max|min)\\s*\\([^()]*\\)", "");
    Set<String> metrics = new LinkedHashSet<>();
    Matcher m = NAME.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      boolean labelName = followedBy(text, m.end(), '=') && !followedBy(text, m.end(), "==");
      if (!MQE_KEYWORDS.contains(name.toLowerCase())
          && !followedBy(text, m.end(), '(')
          && !labelName
          && !name.matches("\\d.*")) {
        metrics.add(name);
      }
    }
    return metrics;
  }

  private static boolean followedBy(String text, int from, char c) {
    return followedBy(text, from, String.valueOf(c));
  }

  private static boolean followedBy(String text, int from, String s) {
    return text.substring(from).stripLeading().startsWith(s);
  }

  /**
   * A YAML value as written: a rule that is not a plain string stays a rule, and so is reported as
   * matching nothing rather than dropped.
   */
  private static String text(JsonElement value) {
    if (value == null || value.isJsonNull()) {
      return null;
    }
    return value.isJsonPrimitive() ? value.getAsString() : value.toString();
  }
}
