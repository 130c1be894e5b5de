package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.shopstack.k8s.LoadTestReplay.Figures;
import io.shopstack.k8s.LoadTestReplay.Phases;
import io.shopstack.k8s.LoadTestReplay.Result;
import io.shopstack.k8s.LoadTestReplay.Track;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The load test makes the autoscalers move, in every overlay: the Job's default phases replayed
 * through the HorizontalPodAutoscaler algorithm ({@link LoadTestReplay}) with the CPU per shopper
 * that bench/hpa.sh measured bring gateway, order-service and inventory-service each to at least
 * two Ready pods before the spike, and after the spike, with the steady rate back, each leaves
 * {@code maxReplicas} again before the run ends. A change to requests, targets, bounds, the Job's
 * rate or the measured figures that would make the demo flat (or pin it at its maximum) fails here,
 * and the timeline that k8s/components/load-test/README.md shows must be the one printed.
 */
class AutoscalingTest {

  static Stream<String> renders() {
    return Stream.of("k8s", "overlays/laptop", "overlays/production");
  }

  static List<JsonObject> withLoadTest(String render) {
    return render.equals("k8s")
        ? Renders.all().get("k8s+load-test")
        : Renders.overlayWith(render.substring("overlays/".length()), "load-test");
  }

  /** The renders are shared by every test of the JVM: a test that breaks one breaks a copy. */
  static List<JsonObject> copy(List<JsonObject> objects) {
    return objects.stream().map(JsonObject::deepCopy).toList();
  }

  /** What makes the demo worth watching, as messages; empty when it is. */
  static List<String> violations(Result r) {
    List<String> violations = new ArrayList<>();
    Phases p = r.phases();
    for (Map.Entry<String, Track> e : r.tracks().entrySet()) {
      Track t = e.getValue();
      int max = t.hpa().spec().max();
      int steadyPeak = 0;
      for (int s = 0; s < p.spikeStart(); s++) {
        steadyPeak = Math.max(steadyPeak, t.ready()[s]);
      }
      if (steadyPeak < 2) {
        violations.add(
            r.render()
                + ": "
                + e.getKey()
                + " never has 2 Ready pods before the spike ("
                + steadyPeak
                + "): the load test would leave its autoscaler flat");
      }
      if (t.replicas()[p.end() - 1] >= max) {
        violations.add(
            r.render()
                + ": "
                + e.getKey()
                + " is still at maxReplicas ("
                + max
                + ") when the run ends: the steady rate alone pins it there");
      }
    }
    return violations;
  }

  @ParameterizedTest
  @MethodSource("renders")
  void theLoadTestScalesEveryAutoscaler(String render) throws IOException {
    Result result = LoadTestReplay.replay(render, withLoadTest(render), Figures.read());
    String timeline = LoadTestReplay.timeline(result);
    Path out = Path.of("target", "autoscaling", render.replace('/', '-') + ".txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, timeline);
    System.out.println(timeline);

    assertThat(violations(result)).as(timeline).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("renders")
  void theLoadTestReadmeShowsTheTimeline(String render) throws IOException {
    String timeline =
        LoadTestReplay.timeline(
            LoadTestReplay.replay(render, withLoadTest(render), Figures.read()));
    String readme =
        Files.readString(Renders.k8s().resolve("components/load-test/README.md"))
            .replace("\r\n", "\n");
    assertThat(readme)
        .as(
            "k8s/components/load-test/README.md shows the replayed timeline; paste it:%n%s",
            timeline)
        .contains(timeline.replace(System.lineSeparator(), "\n"));
  }

  @ParameterizedTest
  @MethodSource("renders")
  void everyAutoscalerIsReplayedOrNotDrivenForAReason(String render) {
    List<String> targets =
        Manifests.ofKind(withLoadTest(render), "HorizontalPodAutoscaler").stream()
            .map(h -> Manifests.str(h, "spec", "scaleTargetRef", "name"))
            .toList();
    assertThat(targets)
        .as("autoscalers of %s: each in LoadTestReplay.SERVICES or NOT_DRIVEN", render)
        .allMatch(
            t -> LoadTestReplay.SERVICES.contains(t) || LoadTestReplay.NOT_DRIVEN.containsKey(t))
        .containsAll(LoadTestReplay.SERVICES)
        .containsAll(LoadTestReplay.NOT_DRIVEN.keySet());
  }

  @Test
  void theFiguresAreFromAnAgentAttachedRunWithDateAndMachine() {
    Figures figures = Figures.read();
    assertThat(figures.properties().getProperty("measured")).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(figures.properties().getProperty("machine")).isNotBlank();
    // The cluster runs every service with the SkyWalking agent, which costs CPU: the autoscalers
    // see that cost, so the figures must include it.
    assertThat(figures.properties().getProperty("agent")).isNotBlank().isNotEqualTo("none");
  }

  @Test
  void requestsThatTheLoadCannotMoveAreRejected() {
    List<JsonObject> objects = copy(withLoadTest("k8s"));
    JsonObject gateway = LoadTestReplay.appContainer(objects, "gateway");
    Manifests.obj(gateway, "resources", "requests").addProperty("cpu", "4");
    assertThat(violations(LoadTestReplay.replay("k8s", objects, Figures.read())))
        .singleElement()
        .asString()
        .contains("gateway never has 2 Ready pods before the spike");
  }

  @Test
  void requestsThatPinTheAutoscalerAtItsMaximumAreRejected() {
    List<JsonObject> objects = copy(withLoadTest("k8s"));
    JsonObject orders = LoadTestReplay.appContainer(objects, "order-service");
    Manifests.obj(orders, "resources", "requests").addProperty("cpu", "10m");
    assertThat(violations(LoadTestReplay.replay("k8s", objects, Figures.read())))
        .singleElement()
        .asString()
        .contains("order-service is still at maxReplicas (4) when the run ends");
  }
}
