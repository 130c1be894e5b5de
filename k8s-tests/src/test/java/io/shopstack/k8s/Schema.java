package io.shopstack.k8s;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1HorizontalPodAutoscaler;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Strict schema check against the Kubernetes 1.32 models of client-java-api 24.0.0: each
 * apiVersion/kind maps to its model class, whose {@code validateJsonElement} rejects unknown
 * fields, missing required fields and wrong JSON types, and whose Gson binding rejects values that
 * do not convert (a string where a number belongs).
 *
 * <p>Only the kinds below are served. An apiVersion/kind that Kubernetes 1.32 no longer serves
 * ({@code autoscaling/v2beta2}, {@code policy/v1beta1}, ...) is an error, and so is any custom
 * resource without a model here (ServiceMonitors, Cilium policies, ...): adding one to k8s/ means
 * adding its schema check here first, on purpose, rather than letting it through unchecked. The
 * Gateway API's v1 Gateway and HTTPRoute (components/gateway-api) are checked against fabric8's
 * models of them ({@link GatewayApiSchema}).
 */
final class Schema {

  static final Map<String, Class<?>> MODELS =
      Map.ofEntries(
          Map.entry("v1/Namespace", V1Namespace.class),
          Map.entry("v1/ServiceAccount", V1ServiceAccount.class),
          Map.entry("v1/Service", V1Service.class),
          Map.entry("v1/ConfigMap", V1ConfigMap.class),
          Map.entry("v1/Secret", V1Secret.class),
          Map.entry("v1/PersistentVolumeClaim", V1PersistentVolumeClaim.class),
          Map.entry("apps/v1/Deployment", V1Deployment.class),
          Map.entry("apps/v1/StatefulSet", V1StatefulSet.class),
          Map.entry("apps/v1/DaemonSet", V1DaemonSet.class),
          Map.entry("batch/v1/Job", V1Job.class),
          Map.entry("batch/v1/CronJob", V1CronJob.class),
          Map.entry("policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class),
          Map.entry("autoscaling/v1/HorizontalPodAutoscaler", V1HorizontalPodAutoscaler.class),
          Map.entry("autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class),
          Map.entry("rbac.authorization.k8s.io/v1/Role", V1Role.class),
          Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding.class),
          Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", V1ClusterRole.class),
          Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", V1ClusterRoleBinding.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class),
          Map.entry("networking.k8s.io/v1/Ingress", V1Ingress.class));

  private Schema() {}

  /** Every violation of every object, each prefixed with the object's kind and name. */
  static List<String> check(List<JsonObject> objects) {
    List<String> violations = new ArrayList<>();
    for (JsonObject o : objects) {
      String error = validate(o);
      if (error != null) {
        violations.add(Manifests.id(o) + ": " + error);
      }
    }
    return violations;
  }

  /** The models append the whole offending JSON to their messages; the object id says enough. */
  private static String shorten(String message) {
    if (message == null) {
      return "(no message)";
    }
    int json = message.indexOf(" JSON: ");
    return json < 0 ? message : message.substring(0, json);
  }

  /** The violation of one object, or null when it is valid. */
  static String validate(JsonObject o) {
    String key = Manifests.str(o, "apiVersion") + "/" + Manifests.kind(o);
    if (GatewayApiSchema.MODELS.containsKey(key)) {
      return GatewayApiSchema.validate(key, o);
    }
    Class<?> model = MODELS.get(key);
    if (model == null) {
      return "apiVersion/kind "
          + key
          + " is not served by Kubernetes 1.32 (a removed or misspelt API) or is a custom"
          + " resource without a schema check here";
    }
    try {
      model.getMethod("validateJsonElement", com.google.gson.JsonElement.class).invoke(null, o);
      JSON.getGson().fromJson(o, model);
      return null;
    } catch (InvocationTargetException e) {
      return "invalid " + key + ": " + shorten(e.getCause().getMessage());
    } catch (RuntimeException e) {
      return "invalid " + key + ": " + shorten(e.getMessage());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("no validateJsonElement on " + model, e);
    }
  }
}
