package io.shopstack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.localstack.StartupCache.Kind;
import io.shopstack.localstack.StartupCache.Start;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher's start-up cache with a real Spring Boot jar (batch-jobs, the smallest) and the JDK
 * running this test, for each kind of cache it can make (on JDK 25 both, so CI also covers what JDK
 * 21-24 get): extracted once per jar version, the first JVM trains the class cache and writes it at
 * exit, a JVM started with it then must be able to use it (the JDK is told to fail otherwise), and
 * a killed training run leaves nothing behind.
 */
class StartupCacheIT {

  private static final Path BATCH_JAR =
      Path.of("..", "batch-jobs", "target", "batch-jobs.jar").toAbsolutePath().normalize();
  private static final List<String> JVM_OPTIONS = List.of("-Xss512k", "-XX:+UseG1GC");

  /** The kinds this JDK can make: both from JDK 25 on (CDS is what JDK 21-24 get). */
  static List<Kind> kinds() {
    return Kind.OF_THIS_JDK == Kind.AOT ? List.of(Kind.AOT, Kind.CDS) : List.of(Kind.CDS);
  }

  @TempDir Path work;

  @ParameterizedTest
  @MethodSource("kinds")
  void trainsOnceThenStartsWithTheCache(Kind kind) throws Exception {
    Path jar = copyOfBatchJar();
    StartupCache cache = StartupCache.of(jar, kind);
    assertThat(cache.applicationJar()).isRegularFile();
    assertThat(cache.applicationJar().resolveSibling("lib")).isDirectory();
    assertThat(StartupCache.of(jar, kind)).as("the same version is extracted once").isSameAs(cache);

    Start train = cache.start(JVM_OPTIONS);
    assertThat(train.training()).isTrue();
    assertThat(cache.start(JVM_OPTIONS).options())
        .as("a second JVM of the module while the first trains: no cache options at all")
        .isEmpty();

    Run training = run(cache, train.options());
    assertThat(training.exitCode()).as(training.output()).isZero();
    cache.trainingEnded(JVM_OPTIONS, false);
    assertThat(cache.cacheFile(JVM_OPTIONS)).isRegularFile();

    Start use = cache.start(JVM_OPTIONS);
    assertThat(use.training()).isFalse();
    assertThat(use.options())
        .contains(
            (kind == Kind.AOT ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=")
                + cache.cacheFile(JVM_OPTIONS));
    // With AOTMode=on (or -Xshare:on) the JVM refuses to start unless it can use the cache.
    List<String> strict = new ArrayList<>(use.options());
    strict.add(kind == Kind.AOT ? "-XX:AOTMode=on" : "-Xshare:on");
    Run cached = run(cache, strict);
    assertThat(cached.exitCode())
        .as("a start that must use the cache:%n%s", cached.output())
        .isZero();

    assertThat(cache.cacheFile(List.of("-XX:+UseSerialGC")))
        .as("other JVM options, another cache")
        .isNotEqualTo(cache.cacheFile(JVM_OPTIONS));
  }

  @Test
  void killedTrainingRunLeavesNoCacheBehind() throws Exception {
    Path jar = copyOfBatchJar();
    StartupCache cache = StartupCache.of(jar);
    cache.start(JVM_OPTIONS);
    Path half = Files.writeString(cache.cacheFile(JVM_OPTIONS), "half written");
    Path temporary = Files.writeString(Path.of(half + ".config"), "temporary");

    cache.trainingEnded(JVM_OPTIONS, true);

    assertThat(half).doesNotExist();
    assertThat(temporary).doesNotExist();
    assertThat(cache.start(JVM_OPTIONS).training()).as("the next start trains").isTrue();
    cache.trainingEnded(JVM_OPTIONS, false);
  }

  @Test
  void rebuiltJarIsExtractedAgainAndTheOldVersionRemoved() throws Exception {
    Path jar = copyOfBatchJar();
    StartupCache first = StartupCache.of(jar);
    Path firstDirectory = first.applicationJar().getParent().getParent();

    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
    StartupCache second = StartupCache.of(jar);

    assertThat(second).isNotSameAs(first);
    assertThat(second.applicationJar()).isRegularFile();
    assertThat(firstDirectory).doesNotExist();
    try (Stream<Path> versions = Files.list(work.resolve("target").resolve("local-stack"))) {
      assertThat(versions).hasSize(1);
    }
  }

  /** A jar of its own per test, in a {@code target/} as the modules' jars are. */
  private Path copyOfBatchJar() throws IOException {
    Path target = Files.createDirectories(work.resolve("target"));
    return Files.copy(BATCH_JAR, target.resolve("batch-jobs.jar"));
  }

  /**
   * Starts the jar's application only up to its refreshed context ({@code spring.context.exit}),
   * which is what a training run needs and needs no order-service.
   */
  private Run run(StartupCache cache, List<String> cacheOptions)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "jvm", ".log");
    List<String> options = new ArrayList<>(JVM_OPTIONS);
    options.addAll(cacheOptions);
    options.add("-Dspring.context.exit=onRefresh");
    Process process =
        new ProcessBuilder(
                ServiceProcess.javaCommand(
                    options,
                    cache.applicationJar(),
                    // The job needs a client secret to start; this run stops after the context's
                    // refresh, before it would fetch a token with it.
                    List.of("--shop.auth.client-secret=unused-the-run-stops-after-refresh")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "the JVM did not end within 2 minutes:\n" + Files.readString(log));
      }
      return new Run(process.exitValue(), Files.readString(log));
    } finally {
      process.destroyForcibly();
    }
  }

  private record Run(int exitCode, String output) {}
}
