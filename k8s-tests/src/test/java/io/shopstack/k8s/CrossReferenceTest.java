package io.shopstack.k8s;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Layer 3, references: in every render, selectors match their pod templates, Services reach
 * existing pods on existing ports, every ConfigMap, Secret key, ServiceAccount, volume, claim, Role
 * and autoscaler target exists, in-cluster addresses name real Services and ports, and network
 * policies select real pods (ReferenceRules, AddressRules, NetworkPolicyRules). Each check is also
 * shown rejecting a broken fixture.
 */
class CrossReferenceTest {

  @TestFactory
  Stream<DynamicTest> everyRenderIsConsistent() {
    return Fixtures.everyRenderPasses(
        "selectors", "services", "references", "addresses", "networkPolicies");
  }

  @ParameterizedTest(name = "{1} rejects {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "references/selector-mismatch.yaml           | selectors       | does not match its pod template labels",
        "references/service-selects-nothing.yaml     | services        | selects no pod template",
        "references/service-unknown-target-port.yaml | services        | targets \"htp\", which is not a container port",
        "references/missing-configmap.yaml           | references      | ConfigMap web-config does not exist",
        "references/missing-secret-key.yaml          | references      | Secret web-db has no key username",
        "references/missing-serviceaccount.yaml      | references      | ServiceAccount web does not exist",
        "references/hpa-missing-target.yaml          | references      | scaleTargetRef Deployment/webb does not exist",
        "references/missing-pvc.yaml                 | references      | PersistentVolumeClaim web-data does not exist",
        "references/undeclared-volume-mount.yaml     | references      | mounts volume tmp, which the pod does not declare",
        "references/rolebinding-missing-role.yaml    | references      | roleRef Role/web does not exist",
        "references/ingress-missing-service.yaml     | references      | backend Service gateway missing",
        "addresses/jdbc-url-unknown-host.yaml        | addresses       | host postgres-0.postgress is not a Service",
        "addresses/jdbc-url-wrong-port.yaml          | addresses       | Service postgres has no port 5433",
        "addresses/url-unknown-service.yaml          | addresses       | host order-service is not a Service",
        "addresses/configmap-url-unknown-service.yaml | addresses      | env SHOP_AUTH_URL=http://auth-server:9000 (from ConfigMap auth): host auth-server is not a Service",
        "network-policies/selects-nothing.yaml       | networkPolicies | selects no pod template",
        "network-policies/egress-wrong-port.yaml     | networkPolicies | egress port 8081 is not a port of [Deployment/web]",
      })
  void rejectsBrokenFixtures(String fixture, String check, String message) {
    Fixtures.rejects(check, "broken/" + fixture, message);
  }
}
