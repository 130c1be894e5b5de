package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Layer 2: every rendered object is validated strictly against the Kubernetes 1.32 models of
 * client-java-api 24.0.0, so unknown fields, wrong types and APIs that 1.32 no longer serves fail
 * here instead of at {@code kubectl apply}. The Gateway API objects are held against fabric8's v1
 * models; other custom resources have no model and fail, until someone adds their schema on
 * purpose.
 */
class SchemaTest {

  @TestFactory
  Stream<DynamicTest> everyRenderedObjectMatchesTheKubernetes132Models() {
    return Fixtures.forEveryRender(
        (render, objects) ->
            assertThat(Schema.check(objects)).as("schema violations in %s", render).isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "hpa-autoscaling-v2beta2.yaml | autoscaling/v2beta2/HorizontalPodAutoscaler is not served",
        "pdb-policy-v1beta1.yaml      | policy/v1beta1/PodDisruptionBudget is not served",
        "unknown-field.yaml           | `imagePullPolice`",
        "wrong-type-replicas.yaml     | \"two\"",
        "wrong-type-containers.yaml   | `containers` to be an array",
        "custom-resource.yaml         | custom resource without a schema check",
        "gateway-api-httproute.yaml   | unknown fields [.spec.rules[0].backendRef]",
      })
  void rejectsBrokenManifests(String fixture, String message) {
    assertThat(Schema.check(Manifests.fixture("broken/schema/" + fixture)))
        .anySatisfy(violation -> assertThat(violation).contains(message));
  }
}
