package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's shell scripts are what users run first: k8s/kind-up.sh and k8s/kind-down.sh
 * (which CI cannot run, having no Docker), run-local.sh, bench/ and CI's own .ci/run. Every one of
 * them passes shellcheck at its strictest severity, so a missing quote or an unchecked {@code cd}
 * fails the build instead of a user's first run; a broken script shows that the check can fail.
 */
class ScriptsTest {

  /** shellcheck's lowest severity: every finding counts (the existing scripts have none). */
  private static final String SEVERITY = "style";

  private static final long TIMEOUT_SECONDS = 60;

  /** Scripts without the .sh suffix, which the file listing does not find by name. */
  private static final List<String> UNSUFFIXED = List.of(".ci/run");

  /** Skipped when the tree is walked without git: build output and other tools' copies. */
  private static final Set<String> NOT_SOURCES = Set.of("target", ".git", "node_modules");

  @Test
  void everyScriptPassesShellcheck() {
    Path root = repositoryRoot();
    List<String> scripts = scripts(root);

    assertThat(scripts)
        .contains("k8s/kind-up.sh", "k8s/kind-down.sh", "run-local.sh", "bench/run.sh", ".ci/run");
    Result result = shellcheck(root, scripts);
    assertThat(result.exitCode())
        .as(
            "shellcheck --severity=%s on %s exited %d:%n%s",
            SEVERITY, scripts, result.exitCode(), result.output())
        .isZero();
  }

  @Test
  void aBrokenScriptFailsTheCheck(@TempDir Path dir) throws IOException {
    // An unchecked cd (SC2164) and an unquoted variable (SC2086): if the cd fails, the rm runs in
    // whatever directory the script was started in, and an empty variable makes it rm -rf /*.
    Files.writeString(
        dir.resolve("broken.sh"),
        "#!/usr/bin/env bash\ncd build\nrm -rf $undefined_unquoted/*\n",
        StandardCharsets.UTF_8);

    Result result = shellcheck(dir, List.of("broken.sh"));

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("broken.sh", "SC2164", "SC2086");
  }

  /** The directory above this module that holds k8s/kustomization.yaml. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("k8s/kustomization.yaml"))) {
        return p;
      }
    }
    throw new AssertionError("no k8s/kustomization.yaml above " + dir);
  }

  /**
   * Every *.sh file git knows (tracked, or new and not ignored, so that a script is checked before
   * its first commit), plus {@link #UNSUFFIXED}; without git (a source archive), every *.sh file in
   * the tree.
   */
  static List<String> scripts(Path root) {
    List<String> scripts = new ArrayList<>();
    Optional<Result> git =
        run(
            root,
            List.of("git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.sh"));
    if (git.isPresent() && git.get().exitCode() == 0) {
      git.get().output().lines().filter(line -> !line.isBlank()).forEach(scripts::add);
    } else {
      scripts.addAll(walk(root));
    }
    for (String script : UNSUFFIXED) {
      if (!scripts.contains(script)) {
        scripts.add(script);
      }
    }
    // A tracked script deleted in the working tree is not there to check.
    scripts.removeIf(script -> !Files.isRegularFile(root.resolve(script)));
    return scripts.stream().distinct().sorted().toList();
  }

  private static List<String> walk(Path root) {
    try (Stream<Path> files =
        Files.walk(root)
            .filter(p -> root.relativize(p).toString().endsWith(".sh"))
            .filter(Files::isRegularFile)) {
      return files
          .map(root::relativize)
          .filter(
              p ->
                  Stream.iterate(p, q -> q != null, Path::getParent)
                      .noneMatch(ScriptsTest::skipped))
          .map(p -> p.toString().replace('\\', '/'))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the scripts under " + root, e);
    }
  }

  private static boolean skipped(Path part) {
    Path name = part.getFileName();
    return name != null && NOT_SOURCES.contains(name.toString());
  }

  /** shellcheck on the given files (relative to dir) in one process. */
  static Result shellcheck(Path dir, List<String> files) {
    List<String> command = new ArrayList<>();
    command.add("shellcheck");
    command.add("--severity=" + SEVERITY);
    command.add("--color=never");
    command.addAll(files);
    return run(dir, command)
        .orElseThrow(
            () ->
                new AssertionError(
                    "shellcheck is not on the PATH; the build checks every shell script with it."
                        + " Install it with `apt-get install shellcheck` (Debian/Ubuntu; .ci/run"
                        + " installs it) or `brew install shellcheck`."));
  }

  record Result(int exitCode, String output) {}

  /** Runs command in dir, stdout and stderr together; empty if the program cannot be started. */
  private static Optional<Result> run(Path dir, List<String> command) {
    try {
      Path output = Files.createTempFile("scripts-test-", ".out");
      try {
        Process process;
        try {
          process =
              new ProcessBuilder(command)
                  .directory(dir.toFile())
                  .redirectErrorStream(true)
                  .redirectOutput(output.toFile())
                  .start();
        } catch (IOException e) {
          return Optional.empty();
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(
              String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        return Optional.of(
            new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8)));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }
}
