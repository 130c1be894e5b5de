package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.id;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.strings;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * What a pod may do with the Kubernetes API: its Roles stay namespaced, away from Secrets and
 * without wildcards, and a pod carries an API token only when a Role gives that token a use (a
 * token nobody needs is a credential an attacker can use). Fixtures: {@code broken/policy/}.
 */
final class ApiAccessRules {

  private ApiAccessRules() {}

  /** Nothing cluster-wide, no Secret access, no wildcards. */
  static List<String> rbac(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (JsonObject o : objects) {
      String kind = String.valueOf(Manifests.kind(o));
      if (kind.equals("ClusterRole") || kind.equals("ClusterRoleBinding")) {
        violations.add(id(o) + ": cluster-wide RBAC is not allowed; use a namespaced Role");
      }
      if (kind.equals("Role")) {
        for (JsonObject rule : objects(o, "rules")) {
          List<String> resources = strings(rule, "resources");
          if (resources.contains("secrets")) {
            violations.add(id(o) + ": grants access to secrets " + strings(rule, "verbs"));
          }
          if (resources.contains("*")
              || strings(rule, "verbs").contains("*")
              || strings(rule, "apiGroups").contains("*")) {
            violations.add(id(o) + ": uses a wildcard in " + rule);
          }
        }
      }
    }
    return violations;
  }

  /**
   * A pod mounts a service-account token (the default, unless the pod or its account says false)
   * only when its account is bound to a Role. Part of the "hardening" check.
   */
  static List<String> tokensOnlyWhereBound(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      JsonObject pod = w.podSpec();
      String account = w.serviceAccount();
      boolean tokenMounted =
          !"false".equals(str(pod, "automountServiceAccountToken"))
              && !(str(pod, "automountServiceAccountToken") == null
                  && find(objects, "ServiceAccount", account)
                      .map(sa -> "false".equals(str(sa, "automountServiceAccountToken")))
                      .orElse(false));
      if (tokenMounted && bindingsOf(objects, account).isEmpty()) {
        violations.add(
            w.id()
                + ": mounts a service-account token although "
                + account
                + " is bound to no Role; set automountServiceAccountToken: false");
      }
    }
    return violations;
  }

  /** The RoleBindings that name the service account as a subject. */
  static List<JsonObject> bindingsOf(List<JsonObject> objects, String account) {
    return ofKind(objects, "RoleBinding").stream()
        .filter(
            b ->
                objects(b, "subjects").stream()
                    .anyMatch(
                        s ->
                            "ServiceAccount".equals(str(s, "kind"))
                                && account.equals(str(s, "name"))))
        .toList();
  }
}
