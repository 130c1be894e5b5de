package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** Shared steps: run a test or checks over every render, and checks over one broken fixture. */
final class Fixtures {

  private Fixtures() {}

  /** A test of one render, given its name (for example "overlays/laptop") and its objects. */
  @FunctionalInterface
  interface RenderAssertion {
    void test(String render, List<JsonObject> objects) throws Throwable;
  }

  /** One dynamic test per render, named after the render. */
  static Stream<DynamicTest> forEveryRender(RenderAssertion test) {
    return Renders.all().entrySet().stream()
        .map(
            render ->
                DynamicTest.dynamicTest(
                    render.getKey(), () -> test.test(render.getKey(), render.getValue())));
  }

  /** One dynamic test per render and check: the rendered stack has no violation. */
  static Stream<DynamicTest> everyRenderPasses(String... checks) {
    return Renders.all().entrySet().stream()
        .flatMap(render -> passes(render.getKey(), render.getValue(), List.of(checks)));
  }

  /** One dynamic test per check: the render has no violation of it. */
  static Stream<DynamicTest> passes(String render, List<JsonObject> objects, List<String> checks) {
    return checks.stream()
        .map(
            check ->
                DynamicTest.dynamicTest(
                    check + " on " + render,
                    () ->
                        assertThat(run(check, objects))
                            .as("%s violations in %s", check, render)
                            .isEmpty()));
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
}
