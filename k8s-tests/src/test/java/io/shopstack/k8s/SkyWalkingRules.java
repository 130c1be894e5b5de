package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.env;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.stringMap;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.shopstack.k8s.Manifests.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks of what the stack gives SkyWalking OAP beside its image: the files mounted into OAP's
 * {@code /skywalking/config} (meter rules, alarm rules, UI templates, endpoint grouping) against
 * each other, against OAP's own defaults and against the services' sources; and the OAP, UI and
 * BanyanDB versions against each other. Each check returns its violations, one sentence each, like
 * {@link Checks}.
 */
final class SkyWalkingRules {

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

  private static final Yaml YAML = new Yaml(new SafeConstructor(new LoaderOptions()));

  private SkyWalkingRules() {}

  /** Every check by name, in the order the tests report them. */
  static Map<String, Function<List<JsonObject>, List<String>>> all() {
    Map<String, Function<List<JsonObject>, List<String>>> checks = new LinkedHashMap<>();
    checks.put("meterFiles", SkyWalkingRules::meterFilesActive);
    checks.put("meterSamples", o -> meterRulesReadRegisteredMeters(o, Sources.meters()));
    checks.put("alarmMetrics", SkyWalkingRules::alarmsUseDefinedMetrics);
    checks.put("dashboardMetrics", SkyWalkingRules::templatesUseDefinedMetrics);
    checks.put("endpointGrouping", o -> groupingCoversGatewayRoutes(o, Sources.gatewayEndpoints()));
    checks.put("versions", SkyWalkingRules::versionsFit);
    return checks;
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
        if (String.valueOf(str(container, "image")).contains(Checks.OAP_IMAGE)) {
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
    Map<?, ?> yaml = yamlMap(file, content);
    String prefix = yaml.get("metricPrefix") == null ? null : yaml.get("metricPrefix").toString();
    Object rules = yaml.get("metricsRules");
    if (rules instanceof List<?> list) {
      for (Object rule : list) {
        if (rule instanceof Map<?, ?> r && r.get("name") != null) {
          String name = r.get("name").toString();
          metrics.put(
              prefix == null ? name : prefix + "_" + name,
              r.get("exp") == null ? "" : r.get("exp").toString());
        }
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
      Object rules = yamlMap("alarm-settings.yml", content).get("rules");
      if (!(rules instanceof Map<?, ?> map)) {
        continue;
      }
      map.forEach(
          (id, settings) -> {
            if (!id.toString().endsWith("_rule")) {
              violations.add(
                  oap.id() + ": alarm rule " + id + " is ignored by OAP (ids must end with _rule)");
              return;
            }
            Object expression = settings instanceof Map<?, ?> s ? s.get("expression") : null;
            for (String metric : mqeMetrics(String.valueOf(expression))) {
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
          });
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
      List<JsonObject> objects, List<Sources.Endpoint> endpoints) {
    List<String> violations = new ArrayList<>();
    Set<String> agentNames = new LinkedHashSet<>();
    for (Workload w : workloads(objects)) {
      if ("java".equals(w.podLabels().get(Checks.AGENT_LABEL))) {
        agentNames.add(w.podLabels().get("app.kubernetes.io/name"));
      }
    }
    for (Oap oap : oaps(objects)) {
      String content = oap.files().get(GROUPING);
      Map<String, List<String>> rules = new LinkedHashMap<>();
      if (content != null) {
        Object grouping = yamlMap("endpoint-name-grouping.yml", content).get("grouping");
        if (grouping instanceof List<?> list) {
          for (Object entry : list) {
            if (entry instanceof Map<?, ?> m && m.get("service-name") != null) {
              List<String> patterns = new ArrayList<>();
              if (m.get("rules") instanceof List<?> r) {
                r.forEach(p -> patterns.add(String.valueOf(p)));
              }
              rules.put(m.get("service-name").toString(), patterns);
            }
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
      for (Sources.Endpoint endpoint : endpoints) {
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

  private static Map<?, ?> yamlMap(String file, String content) {
    Object yaml = YAML.load(content);
    if (yaml == null) {
      return Map.of();
    }
    if (!(yaml instanceof Map<?, ?> map)) {
      throw new AssertionError(file + " is not a YAML mapping");
    }
    return map;
  }

  // ---------------------------------------------------------------------------------------------
  // OAP's quick-match endpoint grouping

  /**
   * OAP 10.4.0's quick-match grouping ({@code PatternTree} in server-core's
   * config/group/uri/quickmatch): rules and names are split at '/', a "{var}" segment matches any
   * segment, the first matching child wins with no backtracking, and only a node that ends a rule
   * renames. A name of one segment is never renamed.
   */
  static final class PatternTree {

    private final Node root = new Node(null, true);

    PatternTree(List<String> rules) {
      for (String rule : rules) {
        Node current = root;
        for (String segment : segments(rule)) {
          Node child = current.find(segment);
          if (child == null) {
            // OAP makes the first segment a literal, even "{var}".
            child = new Node(segment, current == root);
            current.children.add(child);
          }
          current = child;
        }
        current.rule = rule;
      }
    }

    /** The rule that renames the name, if one does. */
    Optional<String> match(String name) {
      List<String> segments = segments(name);
      if (segments.size() <= 1) {
        return Optional.empty();
      }
      Node current = root;
      for (String segment : segments) {
        Node next = null;
        for (Node child : current.children) {
          if (child.matches(segment)) {
            next = child;
            break;
          }
        }
        if (next == null) {
          return Optional.empty();
        }
        current = next;
      }
      return Optional.ofNullable(current.rule);
    }

    /** PatternTree.splitByCharacter: a leading '/' is dropped, empty inner segments are kept. */
    private static List<String> segments(String s) {
      List<String> parts = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) == '/') {
          if (i == 0) {
            start = 1;
            continue;
          }
          parts.add(s.substring(start, i));
          start = i + 1;
        }
      }
      if (start < s.length()) {
        parts.add(s.substring(start));
      }
      return parts;
    }

    private static final class Node {
      private final String segment;
      private final boolean literal;
      private final List<Node> children = new ArrayList<>();
      private String rule;

      Node(String segment, boolean literal) {
        this.segment = segment;
        this.literal = literal;
      }

      boolean matches(String s) {
        return (!literal && "{var}".equals(segment)) || segment.equals(s);
      }

      Node find(String s) {
        return children.stream().filter(c -> c.segment.equals(s)).findFirst().orElse(null);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The services' sources

  /** What the services' main code says: the meters it registers and the gateway's endpoints. */
  static final class Sources {

    private Sources() {}

    static Path root() {
      return Renders.k8s().getParent();
    }

    /** Every src/main/java file of every module, by path relative to the repository. */
    static Map<String, String> mainJava() {
      Map<String, String> files = new LinkedHashMap<>();
      try (Stream<Path> modules = Files.list(root())) {
        for (Path module : modules.sorted().toList()) {
          Path java = module.resolve("src/main/java");
          if (!Files.isDirectory(java)) {
            continue;
          }
          try (Stream<Path> paths = Files.walk(java)) {
            paths
                .filter(p -> p.toString().endsWith(".java"))
                .sorted()
                .forEach(
                    p -> files.put(root().relativize(p).toString().replace('\\', '/'), read(p)));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return files;
    }

    private static final Pattern BUILDER =
        Pattern.compile(
            "\\b(Counter|Timer|Gauge|DistributionSummary|LongTaskTimer)\\.builder\\(\\s*\"([^\"]+)\"");
    private static final Pattern SHORTHAND =
        Pattern.compile("\\.(counter|timer|gauge|summary)\\(\\s*\"([^\"]+)\"");
    private static final Pattern ANNOTATION =
        Pattern.compile("@(Timed|Counted)\\(\\s*(?:value\\s*=\\s*)?\"([^\"]+)\"");

    /**
     * The SkyWalking names of every meter that main code registers, to where: apm-toolkit's
     * SkywalkingMeterRegistry (9.4.0) names a meter in snake case (Micrometer's
     * NamingConvention.snakeCase: dots become underscores), sends a counter or gauge under that
     * name, and a timer or distribution summary as name_count, name_sum and name_max, plus
     * name_histogram when it publishes a histogram.
     */
    static Map<String, String> meters() {
      Map<String, String> meters = new LinkedHashMap<>();
      mainJava()
          .forEach(
              (file, source) -> {
                for (Pattern pattern : List.of(BUILDER, SHORTHAND, ANNOTATION)) {
                  Matcher m = pattern.matcher(source);
                  while (m.find()) {
                    String type = m.group(1).toLowerCase();
                    String name = m.group(2);
                    String base = name.replace('.', '_');
                    String where = file + " (" + name + ")";
                    switch (type) {
                      case "counter", "counted", "gauge" -> meters.put(base, where);
                      default -> {
                        for (String suffix : List.of("_count", "_sum", "_max")) {
                          meters.put(base + suffix, where);
                        }
                        if (publishesHistogram(file, source, m.end(), name)) {
                          meters.put(base + "_histogram", where);
                        }
                      }
                    }
                  }
                }
              });
      return meters;
    }

    /** The builder chain asks for a histogram, or the module's configuration does for the name. */
    private static boolean publishesHistogram(String file, String source, int from, String meter) {
      int end = source.indexOf(';', from);
      String chain = source.substring(from, end < 0 ? source.length() : end);
      if (chain.matches("(?s).*\\.(publishPercentileHistogram|serviceLevelObjectives)\\(.*")) {
        return true;
      }
      String module = file.substring(0, file.indexOf("/src/main/java/"));
      List<Path> configs = new ArrayList<>();
      Path resources = root().resolve(module).resolve("src/main/resources");
      for (String name : List.of("application.yaml", "application.yml", "application.properties")) {
        configs.add(resources.resolve(name));
      }
      configs.add(root().resolve("k8s/base/config").resolve(module + ".yaml"));
      for (Path config : configs) {
        if (Files.isRegularFile(config)) {
          String text = read(config);
          if (text.contains(meter)
              && (text.contains("percentiles-histogram") || text.matches("(?s).*\\bslo\\b.*"))) {
            return true;
          }
        }
      }
      return false;
    }

    /** One path behind a gateway route, as the gateway's entry span names it (METHOD:path). */
    record Endpoint(String method, String path, String route, String source) {
      String name() {
        return method + ":" + path;
      }

      boolean hasVariable() {
        return path.contains("{");
      }
    }

    private static final Pattern ROUTE =
        Pattern.compile("proxy\\(\\s*(?:\"[^\"]*\",\\s*)?\"(/[^\"]*)\",\\s*\"([a-z][a-z0-9-]*)\"");
    private static final Pattern MAPPING =
        Pattern.compile("@(Request|Get|Post|Put|Delete|Patch)Mapping\\b(?:\\(([^)]*)\\))?");
    private static final Pattern CLASS =
        Pattern.compile("(?m)^(?:public\\s+|final\\s+|abstract\\s+)*(?:class|record)\\s+\\w+");
    private static final Pattern MAPPING_PATH = Pattern.compile("\"(/[^\"]*)\"");

    /**
     * The gateway's routes (gateway's proxy(...) calls: path pattern and service id) and, behind
     * each, the controller mappings of that service's module whose path the pattern matches.
     */
    static List<Endpoint> gatewayEndpoints() {
      Map<String, String> sources = mainJava();
      List<String[]> routes = new ArrayList<>();
      sources.forEach(
          (file, source) -> {
            if (file.startsWith("gateway/")) {
              Matcher m = ROUTE.matcher(source);
              while (m.find()) {
                routes.add(new String[] {m.group(1), m.group(2)});
              }
            }
          });
      if (routes.isEmpty()) {
        throw new AssertionError("found no proxy(pattern, service) route in gateway/src/main/java");
      }
      List<Endpoint> endpoints = new ArrayList<>();
      for (String[] route : routes) {
        String prefix = route[0].replaceFirst("/\\*\\*$", "");
        sources.forEach(
            (file, source) -> {
              if (!file.startsWith(route[1] + "/") || !source.contains("Controller")) {
                return;
              }
              String base = "";
              Matcher declaration = CLASS.matcher(source);
              int classAt = declaration.find() ? declaration.start() : source.length();
              Matcher m = MAPPING.matcher(source);
              while (m.find()) {
                String path = mappingPath(m.group(2));
                if (m.start() < classAt) {
                  base = path;
                  continue;
                }
                if (m.group(1).equals("Request")) {
                  continue; // a method without an HTTP method of its own: none in the services
                }
                String full = base + path;
                if (full.equals(prefix) || full.startsWith(prefix + "/")) {
                  String method = m.group(1).toUpperCase();
                  String simple = file.substring(file.lastIndexOf('/') + 1);
                  endpoints.add(new Endpoint(method, full, route[0], route[1] + " " + simple));
                }
              }
            });
      }
      return endpoints;
    }

    private static String mappingPath(String arguments) {
      if (arguments == null) {
        return "";
      }
      Matcher m = MAPPING_PATH.matcher(arguments);
      return m.find() ? m.group(1) : "";
    }

    private static String read(Path p) {
      try {
        return Files.readString(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
