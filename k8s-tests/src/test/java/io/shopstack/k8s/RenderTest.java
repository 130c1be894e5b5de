package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Layer 1: k8s/, every overlay, and k8s/ with every combination of the components are rendered by
 * {@code kubectl kustomize}, the code path of {@code kubectl apply -k}. A render error, an empty or
 * ambiguous result fails the build, and so does a missing kubectl: nothing is skipped.
 */
class RenderTest {

  @TestFactory
  Stream<DynamicTest> everyRenderYieldsUniqueObjectsInTheShopNamespace() {
    return Fixtures.forEveryRender(
        (render, objects) -> {
          assertThat(objects).isNotEmpty();
          assertThat(objects.stream().map(Manifests::id))
              .as("kind/name pairs of %s", render)
              .doesNotHaveDuplicates();
          assertThat(objects)
              .filteredOn(o -> !"Namespace".equals(Manifests.kind(o)))
              .allSatisfy(
                  o ->
                      assertThat(Manifests.str(o, "metadata", "namespace"))
                          .as(Manifests.id(o))
                          .isEqualTo("shop"));
        });
  }

  @Test
  void rendersTheStackEveryOverlayAndEveryComponentCombination() {
    assertThat(Renders.overlays()).contains("laptop", "production");
    assertThat(Renders.components()).contains("ingress", "network-policies", "skywalking-storage");
    assertThat(Renders.all())
        .hasSize(1 + Renders.overlays().size() + (1 << Renders.components().size()) - 1)
        .containsKeys(
            "k8s",
            "overlays/laptop",
            "overlays/production",
            "k8s+ingress+network-policies+skywalking-storage");
  }

  @Test
  void aMissingKubectlFailsWithAClearMessage() {
    assertThatThrownBy(() -> Kustomize.render("kubectl-that-is-not-installed", Renders.k8s()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("kubectl not found")
        .hasMessageContaining("kubectl 1.32");
  }

  @Test
  void aBrokenKustomizationFailsTheRender() throws URISyntaxException {
    Path broken =
        Path.of(getClass().getClassLoader().getResource("broken/render/missing-resource").toURI());
    assertThatThrownBy(() -> Kustomize.render(broken))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("failed")
        .hasMessageContaining("deployment-that-does-not-exist.yaml");
  }
}
