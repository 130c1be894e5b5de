package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.get;
import static io.shopstack.k8s.Manifests.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A user may apply the base, then the laptop overlay, then the production one to the same cluster.
 * Kubernetes refuses to change some fields of an existing object (a StatefulSet's claim templates,
 * service name and selector; a Deployment's selector; a Service's cluster IP kind), so the apply
 * would fail half-way. Every render therefore keeps those fields the same; a fixture pair that
 * differs in a claim template shows the check failing.
 */
class ImmutableFieldsTest {

  private static final Map<String, List<List<String>>> IMMUTABLE =
      Map.of(
          "StatefulSet",
              List.of(
                  List.of("spec", "volumeClaimTemplates"),
                  List.of("spec", "serviceName"),
                  List.of("spec", "selector"),
                  List.of("spec", "podManagementPolicy")),
          "Deployment", List.of(List.of("spec", "selector")),
          "DaemonSet", List.of(List.of("spec", "selector")),
          "Service", List.of(List.of("spec", "clusterIP")));

  @Test
  void everyRenderKeepsTheFieldsKubernetesCannotChange() {
    assertThat(differences(Renders.all())).isEmpty();
  }

  @Test
  void aClaimTemplateThatDiffersBetweenRendersIsReported() {
    Map<String, List<JsonObject>> renders = new LinkedHashMap<>();
    renders.put("small", Manifests.fixture("broken/immutable/statefulset-2gi.yaml"));
    renders.put("large", Manifests.fixture("broken/immutable/statefulset-20gi.yaml"));
    assertThat(differences(renders))
        .containsExactly(
            "StatefulSet/db: spec.volumeClaimTemplates differs between small and large, and"
                + " Kubernetes refuses to change it: switching between them on one cluster fails");
  }

  static List<String> differences(Map<String, List<JsonObject>> renders) {
    Map<String, Map.Entry<String, JsonElement>> first = new LinkedHashMap<>();
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, List<JsonObject>> render : renders.entrySet()) {
      for (JsonObject o : render.getValue()) {
        for (List<String> path : IMMUTABLE.getOrDefault(Manifests.kind(o), List.of())) {
          String field = id(o) + ": " + String.join(".", path);
          JsonElement value = get(o, path.toArray(String[]::new));
          value = value == null ? JsonNull.INSTANCE : value;
          Map.Entry<String, JsonElement> seen =
              first.putIfAbsent(field, Map.entry(render.getKey(), value));
          if (seen != null && !seen.getValue().equals(value)) {
            violations.add(
                field
                    + " differs between "
                    + seen.getKey()
                    + " and "
                    + render.getKey()
                    + ", and Kubernetes refuses to change it: switching between them on one"
                    + " cluster fails");
          }
        }
      }
    }
    return violations;
  }
}
