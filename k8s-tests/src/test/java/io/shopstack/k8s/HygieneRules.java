package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.id;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.workloads;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What works on day one but hurts later: an emptyDir without a size limit fills the node's disk; an
 * image without a pinned tag changes under a running stack; a bare Job in the manifests runs again
 * on every apply after its TTL removed it (and cannot change while it exists); an egress rule to
 * the whole internet undoes the network policies.
 */
final class HygieneRules {

  private static final Set<String> WHOLE_INTERNET = Set.of("0.0.0.0/0", "::/0");

  private HygieneRules() {}

  static List<String> emptyDirsLimited(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      for (JsonObject volume : objects(w.podSpec(), "volumes")) {
        JsonObject emptyDir = obj(volume, "emptyDir");
        if (emptyDir != null && str(emptyDir, "sizeLimit") == null) {
          violations.add(
              w.id()
                  + ": emptyDir volume "
                  + str(volume, "name")
                  + " has no sizeLimit: a runaway writer fills the node's disk");
        }
      }
    }
    return violations;
  }

  static List<String> imagesPinned(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (Workload w : workloads(objects)) {
      for (JsonObject container : w.allContainers()) {
        String image = String.valueOf(str(container, "image"));
        String last = image.substring(image.lastIndexOf('/') + 1);
        boolean digest = image.contains("@sha256:");
        boolean tagged = last.contains(":") && !last.endsWith(":latest");
        if (!digest && !tagged) {
          violations.add(
              w.id()
                  + " container "
                  + str(container, "name")
                  + ": image "
                  + image
                  + " has no pinned tag (set it in k8s/base/kustomization.yaml, images:)");
        }
      }
    }
    return violations;
  }

  static List<String> noBareJobs(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (JsonObject job : ofKind(objects, "Job")) {
      violations.add(
          id(job)
              + ": a Job in the manifests runs again on every apply once its TTL removed it, and"
              + " its template cannot change while it exists: make it a suspended CronJob and"
              + " start runs with kubectl create job --from=cronjob/...");
    }
    return violations;
  }

  static List<String> noEgressToTheInternet(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (JsonObject policy : ofKind(objects, "NetworkPolicy")) {
      for (JsonObject rule : objects(policy, "spec", "egress")) {
        for (JsonObject peer : objects(rule, "to")) {
          String cidr = str(peer, "ipBlock", "cidr");
          if (cidr != null && WHOLE_INTERNET.contains(cidr)) {
            violations.add(
                id(policy)
                    + ": egress to "
                    + cidr
                    + " opens its ports to the whole internet: name the address blocks"
                    + " (k8s/components/network-policies/README.md)");
          }
        }
      }
    }
    return violations;
  }
}
