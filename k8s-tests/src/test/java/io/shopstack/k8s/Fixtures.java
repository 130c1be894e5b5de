package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** Shared steps: run checks over every render, and over one broken fixture. */
final class Fixtures {

  private Fixtures() {}

  /** One dynamic test per render and check: the rendered stack has no violation. */
  static Stream<DynamicTest> everyRenderPasses(String... checks) {
    return Renders.all().entrySet().stream()
        .flatMap(
            render ->
                Stream.of(checks)
                    .map(
                        check ->
                            DynamicTest.dynamicTest(
                                check + " on " + render.getKey(),
                                () ->
                                    assertThat(run(check, render.getValue()))
                                        .as("%s violations in %s", check, render.getKey())
                                        .isEmpty())));
  }

  /**
   * The fixture is a valid Kubernetes 1.32 manifest (so only the intended defect is in it), and the
   * check rejects it with a message that says what is wrong.
   */
  static void rejects(String check, String fixture, String expectedMessage) {
    List<JsonObject> objects = Manifests.fixture(fixture);
    assertThat(Schema.check(objects)).as("schema of fixture %s", fixture).isEmpty();
    assertThat(run(check, objects))
        .as("%s violations of %s", check, fixture)
        .anySatisfy(violation -> assertThat(violation).contains(expectedMessage));
  }

  static List<String> run(String check, List<JsonObject> objects) {
    Function<List<JsonObject>, List<String>> function = Checks.ALL.get(check);
    assertThat(function).as("check %s exists in %s", check, Checks.ALL.keySet()).isNotNull();
    return function.apply(objects);
  }

  static Map<String, List<JsonObject>> renders() {
    return Renders.all();
  }
}
