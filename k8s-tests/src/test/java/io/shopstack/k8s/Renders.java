package io.shopstack.k8s;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every way the stack can be rendered: k8s/ itself, each overlay, and k8s/ with every combination
 * of the components (through kustomizations generated under target/). New overlays and components
 * are picked up from the directories, so they are checked too. Rendered once per test JVM.
 */
final class Renders {

  private static Map<String, List<JsonObject>> all;

  private Renders() {}

  /** The repository's k8s/ directory, found from the module directory Maven runs tests in. */
  static Path k8s() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("k8s/kustomization.yaml"))) {
        return p.resolve("k8s");
      }
    }
    throw new AssertionError("no k8s/kustomization.yaml above " + dir);
  }

  static List<String> components() {
    return subdirectories(k8s().resolve("components"));
  }

  static List<String> overlays() {
    return subdirectories(k8s().resolve("overlays"));
  }

  /** Render name (for example "k8s", "overlays/laptop", "k8s+ingress") to its objects. */
  static synchronized Map<String, List<JsonObject>> all() {
    if (all == null) {
      Map<String, List<JsonObject>> renders = new LinkedHashMap<>();
      renders.put("k8s", render(k8s()));
      for (String overlay : overlays()) {
        renders.put("overlays/" + overlay, render(k8s().resolve("overlays").resolve(overlay)));
      }
      for (List<String> combination : combinations(components())) {
        if (!combination.isEmpty()) {
          renders.put("k8s+" + String.join("+", combination), render(withComponents(combination)));
        }
      }
      all = renders;
    }
    return all;
  }

  static List<JsonObject> render(Path dir) {
    return Manifests.parse(Kustomize.render(dir));
  }

  /** Writes target/kustomize/NAME/kustomization.yaml: k8s/ plus the given components. */
  static Path withComponents(List<String> components) {
    return withComponents(k8s(), "k8s", components);
  }

  /** An overlay with components added, as a user's own overlay would add them. */
  static List<JsonObject> overlayWith(String overlay, String... components) {
    return render(
        withComponents(
            k8s().resolve("overlays").resolve(overlay),
            "overlays-" + overlay,
            List.of(components)));
  }

  private static Path withComponents(Path base, String baseName, List<String> components) {
    Path dir =
        Path.of("target", "kustomize", baseName + "+" + String.join("+", components))
            .toAbsolutePath();
    StringBuilder yaml = new StringBuilder();
    yaml.append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
    yaml.append("resources:\n  - ").append(relative(dir, base)).append('\n');
    yaml.append("components:\n");
    for (String component : components) {
      yaml.append("  - ")
          .append(relative(dir, k8s().resolve("components").resolve(component)))
          .append('\n');
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("kustomization.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** Kustomize refuses absolute paths to other kustomizations. */
  private static String relative(Path from, Path to) {
    return from.relativize(to).toString().replace('\\', '/');
  }

  static List<List<String>> combinations(List<String> items) {
    List<List<String>> result = new ArrayList<>();
    for (int mask = 0; mask < 1 << items.size(); mask++) {
      List<String> combination = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        if ((mask & 1 << i) != 0) {
          combination.add(items.get(i));
        }
      }
      result.add(combination);
    }
    return result;
  }

  private static List<String> subdirectories(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .filter(p -> Files.isRegularFile(p.resolve("kustomization.yaml")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
