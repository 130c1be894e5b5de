package io.shopstack.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Renders a kustomization with {@code kubectl kustomize}, the code path of {@code apply -k}. */
final class Kustomize {

  /** The kubectl to run; {@code -Dkubectl=/path/to/kubectl} overrides the one on the PATH. */
  static final String KUBECTL = System.getProperty("kubectl", "kubectl");

  private Kustomize() {}

  static String render(Path dir) {
    return render(KUBECTL, dir);
  }

  static String render(String kubectl, Path dir) {
    try {
      Path out = Files.createTempFile("kustomize-", ".yaml");
      Path err = Files.createTempFile("kustomize-", ".err");
      try {
        Process process;
        try {
          process =
              new ProcessBuilder(kubectl, "kustomize", dir.toString())
                  .redirectOutput(out.toFile())
                  .redirectError(err.toFile())
                  .start();
        } catch (IOException e) {
          throw new AssertionError(
              "kubectl not found or not runnable ('"
                  + kubectl
                  + "'): the k8s checks render the manifests with `kubectl kustomize` and need"
                  + " kubectl 1.32 (kustomize 5.5) on the PATH. Cause: "
                  + e.getMessage(),
              e);
        }
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new AssertionError("kubectl kustomize " + dir + " did not finish in 2 minutes");
        }
        if (process.exitValue() != 0) {
          throw new AssertionError(
              "kubectl kustomize "
                  + dir
                  + " failed (exit "
                  + process.exitValue()
                  + "):\n"
                  + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot render " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while rendering " + dir, e);
    }
  }
}
