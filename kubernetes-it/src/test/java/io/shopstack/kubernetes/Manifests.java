package io.shopstack.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The objects of {@code k8s/} as {@code kubectl apply -k k8s/} would create them, rendered once
 * with {@code kubectl kustomize}, and the few facts the tests read from them.
 */
final class Manifests {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final List<HasMetadata> objects;

  private Manifests(List<HasMetadata> objects) {
    this.objects = List.copyOf(objects);
  }

  static Manifests render() {
    return new Manifests(SERIALIZATION.unmarshal(kustomize(k8s())));
  }

  List<HasMetadata> objects() {
    return objects;
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return objects.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("k8s/ renders no " + type.getSimpleName() + " " + name));
  }

  Deployment deployment(String name) {
    return get(Deployment.class, name);
  }

  Service service(String name) {
    return get(Service.class, name);
  }

  /** The ServiceAccount the Deployment's pods run as. */
  String serviceAccount(String deployment) {
    return deployment(deployment).getSpec().getTemplate().getSpec().getServiceAccountName();
  }

  /** The Role bound to a ServiceAccount (k8s-tests make sure there is at most one). */
  Role roleOf(String serviceAccount) {
    RoleBinding binding =
        objects.stream()
            .filter(RoleBinding.class::isInstance)
            .map(RoleBinding.class::cast)
            .filter(
                b ->
                    b.getSubjects().stream()
                        .anyMatch(
                            s ->
                                "ServiceAccount".equals(s.getKind())
                                    && serviceAccount.equals(s.getName())))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no RoleBinding for " + serviceAccount));
    return get(Role.class, binding.getRoleRef().getName());
  }

  /** The app container: the first one. */
  static Container app(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  /**
   * The app container's environment: the variables of the ConfigMaps it takes whole ({@code
   * envFrom}), then those with a plain value, which win as in a pod.
   */
  Map<String, String> env(String deployment) {
    Map<String, String> env = new LinkedHashMap<>();
    Container app = app(deployment(deployment));
    for (EnvFromSource source : app.getEnvFrom()) {
      if (source.getConfigMapRef() == null) {
        throw new AssertionError(deployment + ": only ConfigMaps are expected in envFrom");
      }
      env.putAll(get(ConfigMap.class, source.getConfigMapRef().getName()).getData());
    }
    for (EnvVar var : app.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      }
    }
    return env;
  }

  /**
   * The Secrets mounted into the app container at {@code mountPath} (one, or the sources of a
   * projected volume), with decoded values.
   */
  Map<String, String> secretMountedAt(String deployment, String mountPath) {
    Deployment d = deployment(deployment);
    VolumeMount mount =
        app(d).getVolumeMounts().stream()
            .filter(m -> mountPath.equals(m.getMountPath()))
            .findFirst()
            .orElseThrow(() -> new AssertionError(deployment + " mounts nothing at " + mountPath));
    Volume volume =
        d.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow();
    List<String> secrets =
        volume.getSecret() != null
            ? List.of(volume.getSecret().getSecretName())
            : volume.getProjected().getSources().stream()
                .map(source -> source.getSecret().getName())
                .toList();
    Map<String, String> data = new LinkedHashMap<>();
    for (String name : secrets) {
      get(Secret.class, name)
          .getData()
          .forEach(
              (key, value) ->
                  data.put(
                      key,
                      new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8)));
    }
    return data;
  }

  /** A deep copy, for tests that break an object in memory. */
  static <T> T copy(T object) {
    return SERIALIZATION.clone(object);
  }

  /** The repository's k8s/ directory, found from the module directory Maven runs tests in. */
  static Path k8s() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("k8s/kustomization.yaml"))) {
        return p.resolve("k8s");
      }
    }
    throw new AssertionError("no k8s/kustomization.yaml above " + dir);
  }

  /** {@code kubectl kustomize}, the code path of {@code kubectl apply -k}. */
  private static String kustomize(Path dir) {
    String kubectl = System.getProperty("kubectl", "kubectl");
    try {
      Path out = Files.createTempFile("kustomize-", ".yaml");
      Path err = Files.createTempFile("kustomize-", ".err");
      try {
        Process process =
            new ProcessBuilder(kubectl, "kustomize", dir.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new AssertionError("kubectl kustomize " + dir + " did not finish in 2 minutes");
        }
        if (process.exitValue() != 0) {
          throw new AssertionError(
              "kubectl kustomize " + dir + " failed:\n" + Files.readString(err));
        }
        return Files.readString(out);
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run '" + kubectl + " kustomize' (kubectl 1.32 must be on the PATH): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while rendering " + dir, e);
    }
  }
}
