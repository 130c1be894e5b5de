package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.strings;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * What a compromised container can do to its node and its neighbours: pods run as a numeric
 * non-root user and group with the runtime's seccomp profile; containers cannot escalate or be
 * privileged, drop every capability and add none, and write only to the volumes they mount. That is
 * the restricted Pod Security Standard, plus numeric ids and a read-only root. Part of the
 * "hardening" check; fixtures: {@code broken/policy/}.
 */
final class SecurityContextRules {

  private SecurityContextRules() {}

  static List<String> podsAndContainersRestricted(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      JsonObject podContext = obj(w.podSpec(), "securityContext");
      if (podContext == null) {
        violations.add(w.id() + ": pod has no securityContext");
        podContext = new JsonObject();
      }
      if (!"true".equals(str(podContext, "runAsNonRoot"))) {
        violations.add(w.id() + ": pod securityContext lacks runAsNonRoot: true");
      }
      for (String id : List.of("runAsUser", "runAsGroup", "fsGroup")) {
        String value = str(podContext, id);
        if (value == null || !value.matches("[1-9]\\d*")) {
          violations.add(w.id() + ": pod securityContext needs a numeric non-zero " + id);
        }
      }
      if (!"RuntimeDefault".equals(str(podContext, "seccompProfile", "type"))) {
        violations.add(w.id() + ": pod securityContext lacks seccompProfile RuntimeDefault");
      }
      for (JsonObject container : w.allContainers()) {
        violations.addAll(
            containerProblems(w.id() + " container " + str(container, "name"), container));
      }
    }
    return violations;
  }

  private static List<String> containerProblems(String where, JsonObject container) {
    JsonObject context = obj(container, "securityContext");
    if (context == null) {
      return List.of(where + ": no securityContext");
    }
    List<String> violations = new ArrayList<>();
    if (!"false".equals(str(context, "allowPrivilegeEscalation"))) {
      violations.add(where + ": allowPrivilegeEscalation is not false");
    }
    if ("true".equals(str(context, "privileged"))) {
      violations.add(where + ": privileged");
    }
    if (!strings(context, "capabilities", "drop").contains("ALL")) {
      violations.add(where + ": capabilities do not drop ALL");
    }
    if (!strings(context, "capabilities", "add").isEmpty()) {
      violations.add(where + ": adds capabilities");
    }
    if (!"true".equals(str(context, "readOnlyRootFilesystem"))) {
      violations.add(
          where
              + ": readOnlyRootFilesystem is not true (mount an emptyDir where it must"
              + " write)");
    }
    if ("0".equals(str(context, "runAsUser"))) {
      violations.add(where + ": runs as root");
    }
    return violations;
  }
}
