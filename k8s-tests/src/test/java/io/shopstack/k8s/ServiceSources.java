package io.shopstack.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the services' main code says, which OAP's rule files must match (SkyWalkingRules): the
 * meters it registers and the gateway's endpoints.
 */
final class ServiceSources {

  private ServiceSources() {}

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
              .forEach(p -> files.put(root().relativize(p).toString().replace('\\', '/'), read(p)));
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
   * NamingConvention.snakeCase: dots become underscores), sends a counter or gauge under that name,
   * and a timer or distribution summary as name_count, name_sum and name_max, plus name_histogram
   * when it publishes a histogram.
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
