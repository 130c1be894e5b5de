package io.shopstack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.localstack.StartupCache.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher's start-up cache with a real Spring Boot jar (batch-jobs, the smallest) and the JDK
 * running this test, for each kind of cache it can make (on JDK 25 both, so CI also covers what JDK
 * 21-24 get): extracted once per jar version, a training run makes the class cache before the first
 * start, a JVM started with it then must be able to use it (the JDK is told to fail otherwise), and
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

    AtomicReference<Run> training = new AtomicReference<>();
    List<String> use =
        cache.options(
            JVM_OPTIONS,
            trainingOptions -> {
              assertThat(cache.options(JVM_OPTIONS, trainsAgain -> true))
                  .as("a second JVM of the module while the first trains: no cache options at all")
                  .isEmpty();
              training.set(run(cache, trainingOptions));
              return training.get().exitCode() == 0;
            });
    assertThat(training.get()).as("the first start trains").isNotNull();
    assertThat(training.get().exitCode()).as(training.get().output()).isZero();
    assertThat(cache.cacheFile(JVM_OPTIONS)).isRegularFile();

    assertThat(cache.options(JVM_OPTIONS, trainsAgain -> true))
        .as("a start with the cache there does not train")
        .isEqualTo(use);
    assertThat(use)
        .contains(
            (kind == Kind.AOT ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=")
                + cache.cacheFile(JVM_OPTIONS));
    // With AOTMode=on (or -Xshare:on) the JVM refuses to start unless it can use the cache.
    List<String> strict = new ArrayList<>(use);
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
    Path half = cache.trainingFile(JVM_OPTIONS);
    Path temporary = Path.of(half + ".config");

    List<String> use =
        cache.options(
            JVM_OPTIONS,
            trainingOptions -> {
              // What a training JVM killed while it writes leaves behind.
              Files.writeString(half, "half written");
              Files.writeString(temporary, "temporary");
              return false;
            });

    assertThat(half).doesNotExist();
    assertThat(temporary).doesNotExist();
    assertThat(cache.cacheFile(JVM_OPTIONS)).doesNotExist();
    assertThat(use).as("that start is one without the cache").isEmpty();
    AtomicReference<Boolean> trainsAgain = new AtomicReference<>(false);
    cache.options(
        JVM_OPTIONS,
        trainingOptions -> {
          trainsAgain.set(true);
          return false;
        });
    assertThat(trainsAgain.get()).as("the next start trains").isTrue();
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
    List<String> options = new ArrayList<>(JVM_OPTIONS);
    options.addAll(cacheOptions);
    options.add("-Dspring.context.exit=onRefresh");
    try (ServiceJvm jvm =
        new ServiceJvm(
                "batch-jobs", cache.applicationJar(), Files.createTempFile(work, "jvm", ".log"))
            .jvmOptions(options)
            // The job needs a client secret to start; this run stops after the context's
            // refresh, before it would fetch a token with it.
            .args(List.of("--shop.auth.client-secret=unused-the-run-stops-after-refresh"))) {
      jvm.start();
      int exitCode = jvm.awaitExit(Duration.ofMinutes(2));
      return new Run(exitCode, jvm.output());
    }
  }

  private record Run(int exitCode, String output) {}
}
