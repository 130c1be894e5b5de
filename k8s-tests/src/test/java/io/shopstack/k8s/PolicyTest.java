package io.shopstack.k8s;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Layer 3, policy: in every render each container has requests, limits and a hardened security
 * context, long-running ones have probes, autoscaled Deployments roll out without losing capacity,
 * RBAC stays namespaced and away from Secrets, and labels and scrape annotations are in place
 * (SecurityContextRules, ProbeAndResourceRules, ApiAccessRules, RolloutRules, LabelRules). Broken
 * fixtures show each rule rejecting what it forbids.
 */
class PolicyTest {

  @TestFactory
  Stream<DynamicTest> everyRenderFollowsThePolicies() {
    return Fixtures.everyRenderPasses("hardening", "rollouts", "rbac", "labels");
  }

  @ParameterizedTest(name = "{1} rejects {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no-limits.yaml                       | hardening | container app: no cpu limits",
        "no-probes.yaml                       | hardening | container app: no readinessProbe",
        "runs-as-root.yaml                    | hardening | lacks runAsNonRoot: true",
        "runs-as-root.yaml                    | hardening | needs a numeric non-zero runAsUser",
        "writable-root-filesystem.yaml        | hardening | readOnlyRootFilesystem is not true",
        "weak-container-security-context.yaml | hardening | capabilities do not drop ALL",
        "weak-container-security-context.yaml | hardening | allowPrivilegeEscalation is not false",
        "token-without-role.yaml              | hardening | mounts a service-account token although web is bound to no Role",
        "role-grants-secrets.yaml             | rbac      | grants access to secrets",
        "cluster-role.yaml                    | rbac      | cluster-wide RBAC is not allowed",
        "hpa-without-behavior.yaml            | rollouts  | behavior.scaleUp needs a stabilization window",
        "hpa-without-behavior.yaml            | rollouts  | sets replicas although HorizontalPodAutoscaler/web owns the count",
        "rollout-loses-capacity.yaml          | rollouts  | RollingUpdate strategy with maxUnavailable 0",
        "rollout-loses-capacity.yaml          | rollouts  | no preStop pause",
        "missing-labels.yaml                  | labels    | Deployment/web: no label app.kubernetes.io/part-of",
        "missing-labels.yaml                  | labels    | pod template has no label app.kubernetes.io/component",
        "missing-prometheus-annotations.yaml  | labels    | need prometheus.io/scrape",
        "missing-metrics-annotations.yaml     | labels    | pods with a metrics port need prometheus.io/scrape",
      })
  void rejectsBrokenFixtures(String fixture, String check, String message) {
    Fixtures.rejects(check, "broken/policy/" + fixture, message);
  }
}
