package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.k8s.SchedulingRules.Load;
import io.shopstack.k8s.SchedulingRules.Size;
import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The laptop overlay fits the node that k8s/README.md tells a user to start: with every autoscaler
 * at its minimum plus a rolling update's surge pod, and while the load test runs with every
 * autoscaler it drives at its maximum (auth-server, which it does not drive, at its minimum:
 * LoadTestReplay.NOT_DRIVEN says why), the pods' requests fit the node less what Kubernetes itself
 * asks for there. The node size is read from the README's own {@code minikube start} command, so
 * the two cannot drift apart; a fixture that asks for more than the node shows the rule failing.
 */
class CapacityTest {

  /**
   * What a kind or minikube node runs besides the stack, by the requests of kube-system's pods:
   * CoreDNS 2 x 100m/70Mi, etcd 100m/100Mi, API server 250m, controller manager 200m, scheduler
   * 100m, the CNI 100m/50Mi, metrics-server 100m/200Mi; rounded up, with room for the runtime.
   */
  static final Size SYSTEM = new Size(1250, 1024 * Quantities.MIB);

  static Size laptopNode() throws IOException {
    String readme = Files.readString(Renders.k8s().resolve("README.md"));
    Matcher m = Pattern.compile("minikube start --cpus=(\\d+) --memory=(\\d+)g").matcher(readme);
    assertThat(m.find())
        .as("k8s/README.md shows the minikube start command with the node size")
        .isTrue();
    return new Size(
        Long.parseLong(m.group(1)) * 1000, Long.parseLong(m.group(2)) * 1024 * Quantities.MIB);
  }

  @Test
  void theLaptopOverlayFitsTheNodeTheReadmeAsksFor() throws IOException {
    Size node = laptopNode();
    assertThat(
            SchedulingRules.fits(
                Renders.all().get("overlays/laptop"), node, SYSTEM, Load.IDLE_WITH_A_ROLLOUT))
        .isEmpty();
    assertThat(
            SchedulingRules.fits(
                Renders.overlayWith("laptop", "load-test"), node, SYSTEM, Load.LOAD_TEST))
        .isEmpty();
  }

  @Test
  void theReadmeGivesKindTheSameSize() throws IOException {
    Size node = laptopNode();
    String readme = Files.readString(Renders.k8s().resolve("README.md"));
    assertThat(readme)
        .contains(
            "Docker Desktop: "
                + node.millicores() / 1000
                + " CPUs and "
                + node.bytes() / (1024 * Quantities.MIB)
                + " GB");
  }

  @Test
  void aStackThatScalesPastTheNodeIsRejected() throws IOException {
    assertThat(
            SchedulingRules.fits(
                Manifests.fixture("broken/scheduling/too-big-for-the-laptop.yaml"),
                laptopNode(),
                SYSTEM,
                Load.LOAD_TEST))
        .singleElement()
        .asString()
        .contains(
            "with the load test running and every autoscaler it drives at its maximum: 3.00 CPU,"
                + " 12.00 GiB");
  }
}
