package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.k8s.Autoscaler.Policy;
import io.shopstack.k8s.Autoscaler.Rules;
import io.shopstack.k8s.Autoscaler.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Autoscaler} against the cases the Kubernetes documentation works through (kubernetes.io,
 * "Horizontal Pod Autoscaling", algorithm details and configurable scaling behavior): the ratio and
 * the ceiling, the tolerance, new pods left out of the average, the stabilization windows and the
 * policies' rate limits.
 */
class AutoscalerTest {

  /** No windows, no limits beyond the API defaults: the bare algorithm. */
  static final Rules FREE_UP =
      new Rules(0, false, List.of(new Policy(false, 100, 15), new Policy(true, 4, 15)));

  static final Rules FREE_DOWN = new Rules(0, false, List.of(new Policy(false, 100, 15)));

  static Spec spec(int min, int max, Rules up, Rules down) {
    return new Spec(min, max, 50, 100, up, down);
  }

  /** Every Ready pod at the given CPU. */
  static Autoscaler.Usage constant(double millicores) {
    return (pod, from, to) -> millicores;
  }

  @Test
  void desiredIsTheCeilingOfReplicasTimesTheRatio() {
    // The docs' example: current 200m against a 100m target doubles the replicas.
    Autoscaler hpa = new Autoscaler(spec(2, 10, FREE_UP, FREE_DOWN), 0);
    hpa.sync(1000, constant(100)); // 100 % of a 100m request against a 50 % target
    assertThat(hpa.replicas()).isEqualTo(4);
    assertThat(hpa.utilization()).isEqualTo(100);
  }

  @Test
  void aRatioWithinTheToleranceChangesNothing() {
    Autoscaler hpa = new Autoscaler(spec(1, 10, FREE_UP, FREE_DOWN), 0);
    hpa.sync(1000, constant(54)); // ratio 1.08
    assertThat(hpa.replicas()).isEqualTo(1);
    hpa.sync(1015, constant(56)); // ratio 1.12: ceil(1.12) = 2
    assertThat(hpa.replicas()).isEqualTo(2);
  }

  @Test
  void podsThatAreNotReadyYetCountAsIdleOnAScaleUp() {
    // Ready 100 s after creation: at 1015 the new pod is set aside, counted as using nothing.
    Autoscaler hpa = new Autoscaler(spec(1, 10, FREE_UP, FREE_DOWN), 100);
    hpa.sync(1000, constant(75)); // ratio 1.5: 2 pods
    assertThat(hpa.replicas()).isEqualTo(2);
    hpa.sync(1015, constant(80)); // (80 + 0) / 2 pods = ratio 0.8: no scale-up, no scale-down
    assertThat(hpa.replicas()).isEqualTo(2);
    hpa.sync(1030, constant(150)); // (150 + 0) / 2 = ratio 1.5: 3 pods
    assertThat(hpa.replicas()).isEqualTo(3);
  }

  @Test
  void theScaleDownWindowKeepsTheHighestRecentRecommendation() {
    Autoscaler hpa =
        new Autoscaler(spec(1, 10, FREE_UP, new Rules(300, false, FREE_DOWN.policies())), 0);
    hpa.sync(1000, constant(100)); // 2 pods
    for (int t = 1015; t < 1300; t += 15) {
      hpa.sync(t, constant(10)); // wants 1, but 2 was recommended in the last 300 s
      assertThat(hpa.replicas()).as("at %d", t).isEqualTo(2);
    }
    hpa.sync(1300, constant(10));
    assertThat(hpa.replicas()).isEqualTo(1);
  }

  @Test
  void aPodsPolicyAddsAtMostItsValuePerPeriod() {
    Rules onePerMinute = new Rules(0, true, List.of(new Policy(true, 1, 60)));
    Autoscaler hpa = new Autoscaler(spec(1, 10, onePerMinute, FREE_DOWN), 0);
    hpa.sync(1000, constant(500)); // wants 10
    assertThat(hpa.replicas()).isEqualTo(2);
    hpa.sync(1045, constant(500));
    assertThat(hpa.replicas()).as("within the period").isEqualTo(2);
    hpa.sync(1060, constant(500));
    assertThat(hpa.replicas()).isEqualTo(3);
  }

  @Test
  void theScaleUpWindowTakesTheLowestRecentRecommendation() {
    Autoscaler hpa =
        new Autoscaler(spec(1, 10, new Rules(60, false, FREE_UP.policies()), FREE_DOWN), 0);
    hpa.sync(1000, constant(40)); // recommends 1
    hpa.sync(1015, constant(200)); // recommends 4, but 1 is in the last 60 s
    assertThat(hpa.replicas()).isEqualTo(1);
    hpa.sync(1075, constant(200));
    assertThat(hpa.replicas()).isEqualTo(4);
  }

  @Test
  void replicasStayWithinTheBounds() {
    Autoscaler hpa = new Autoscaler(spec(2, 3, FREE_UP, FREE_DOWN), 0);
    hpa.sync(1000, constant(1000));
    assertThat(hpa.replicas()).isEqualTo(3);
    assertThat(hpa.recommendation()).isEqualTo(40);
    hpa.sync(1015, constant(0));
    assertThat(hpa.replicas()).isEqualTo(2);
  }
}
