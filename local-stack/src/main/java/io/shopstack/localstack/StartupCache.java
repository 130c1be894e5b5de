package io.shopstack.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Spring Boot's documented way to a faster start ("Efficient deployments"): the executable jar
 * extracted to a plain class path ({@code java -Djarmode=tools -jar app.jar extract}), a training
 * run of it that exits once its context is refreshed ({@code -Dspring.context.exit=onRefresh}) and
 * leaves the JDK's class cache behind, and every real start with that cache.
 *
 * <ul>
 *   <li>JDK 25 and later: the ahead-of-time cache (JEP 483, 514, 515), classes already loaded and
 *       linked: trained with {@code -XX:AOTCacheOutput}, used with {@code -XX:AOTCache}.
 *   <li>JDK 21 to 24: a dynamic class-data sharing archive: trained with {@code
 *       -XX:ArchiveClassesAtExit}, used with {@code -XX:SharedArchiveFile}.
 * </ul>
 *
 * Everything lives in {@code <module>/target/local-stack/<jar size>-<jar time>/}: a rebuilt jar
 * gets a new directory and the older ones are removed, so a cache never outlives its classes, and
 * {@code mvn clean} removes it all. A cache the JVM cannot use is ignored by the JVM (the default
 * {@code -XX:AOTMode=auto}, {@code -Xshare:auto}): the service then starts as without it.
 */
final class StartupCache {

  /** The kind of cache: what this JDK offers, the ahead-of-time cache from JDK 25 on. */
  enum Kind {
    AOT(".aot", "-XX:AOTCacheOutput=", "-XX:AOTCache=", "-Xlog:aot*=error,cds*=error"),
    CDS(".jsa", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", "-Xlog:cds*=error");

    static final Kind OF_THIS_JDK = Runtime.version().feature() >= 25 ? AOT : CDS;

    private final String suffix;
    private final String train;
    private final String use;

    /**
     * A training run warns about every class it cannot cache (hundreds); only errors belong in the
     * service's log. (The {@code aot} log tag exists from JDK 24 on.)
     */
    private final String quiet;

    Kind(String suffix, String train, String use, String quiet) {
      this.suffix = suffix;
      this.train = train;
      this.use = use;
      this.quiet = quiet;
    }
  }

  /**
   * Runs the service once with these JVM options added, until it exits by itself, and answers
   * whether it ended well (in time, exit code 0).
   */
  @FunctionalInterface
  interface TrainingRun {
    boolean run(List<String> trainingOptions) throws IOException, InterruptedException;
  }

  private static final Map<Path, StartupCache> byDirectory = new HashMap<>();

  private final Kind kind;
  private final Path directory;
  private final Path applicationJar;

  /** The caches being trained now: one training run per cache, never two writing one file. */
  private final Set<Path> training = ConcurrentHashMap.newKeySet();

  private StartupCache(Kind kind, Path directory, Path applicationJar) {
    this.kind = kind;
    this.directory = directory;
    this.applicationJar = applicationJar;
  }

  /** The extracted form of {@code jar}, extracted now unless it already is. */
  static StartupCache of(Path jar) {
    return of(jar, Kind.OF_THIS_JDK);
  }

  /** As {@link #of(Path)}, with the given kind of cache (tests use both). */
  static synchronized StartupCache of(Path jar, Kind kind) {
    try {
      Path root = jar.resolveSibling("local-stack");
      String version = Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis();
      Path directory = root.resolve(version);
      Path applicationJar = directory.resolve("application").resolve(jar.getFileName());
      if (!Files.isRegularFile(applicationJar)) {
        removeOtherVersions(root, version);
        extract(jar, directory);
      }
      return byDirectory.computeIfAbsent(
          directory, d -> new StartupCache(kind, directory, applicationJar));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare " + jar + " for start-up", e);
    }
  }

  /** The jar to start with {@code -jar}: its manifest lists the extracted libraries. */
  Path applicationJar() {
    return applicationJar;
  }

  /**
   * The cache for JVMs started with these options by this JDK: a cache made with one collector or
   * heap setting is not (fully) usable with another, nor one made by another JDK.
   */
  Path cacheFile(List<String> jvmOptions) {
    String key = Runtime.version() + " " + String.join(" ", jvmOptions);
    return directory.resolve("classes-" + Integer.toHexString(key.hashCode()) + kind.suffix);
  }

  /**
   * Where a training run writes, moved to {@link #cacheFile} once the run has ended well: a cache
   * file that exists is always complete, whatever happened to the JVM that wrote it.
   */
  Path trainingFile(List<String> jvmOptions) {
    return directory.resolve("training-" + cacheFile(jvmOptions).getFileName());
  }

  /**
   * The JVM options that start this jar with the cache, after a training run if there is none yet
   * for these options. None when there is no cache: the training run failed, or another JVM of this
   * jar trains right now (starting without beats waiting for it).
   */
  List<String> options(List<String> jvmOptions, TrainingRun trainingRun)
      throws IOException, InterruptedException {
    Path cache = cacheFile(jvmOptions);
    if (!Files.isRegularFile(cache)) {
      if (!training.add(cache)) {
        return List.of();
      }
      try {
        train(trainingFile(jvmOptions), cache, trainingRun);
      } finally {
        training.remove(cache);
      }
    }
    return Files.isRegularFile(cache) ? List.of(kind.use + cache, kind.quiet) : List.of();
  }

  private void train(Path output, Path cache, TrainingRun trainingRun)
      throws IOException, InterruptedException {
    // What a training run leaves when it (or the launcher) is killed: half a cache, and on JDK 25
    // the JVM's temporary <output>.config.
    removeStartingWith(output);
    try {
      List<String> options =
          List.of(kind.train + output, kind.quiet, "-Dspring.context.exit=onRefresh");
      if (trainingRun.run(options) && Files.isRegularFile(output)) {
        Files.move(output, cache, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      removeStartingWith(output);
    }
  }

  private void removeStartingWith(Path file) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path other : files.toList()) {
        if (other.getFileName().toString().startsWith(file.getFileName().toString())) {
          Files.deleteIfExists(other);
        }
      }
    }
  }

  private static void extract(Path jar, Path directory) throws IOException {
    Path partial =
        Files.createDirectories(directory.getParent())
            .resolve(directory.getFileName() + ".partial");
    FileTrees.delete(partial);
    ServiceJvm extraction =
        new ServiceJvm("extract " + jar.getFileName(), jar, partial.resolve("extract.log"))
            .jvmOptions(List.of("-Djarmode=tools"))
            .args(List.of("extract", "--destination", partial.resolve("application").toString()));
    try (extraction) {
      extraction.start();
      int exitCode = extraction.awaitExit(Duration.ofMinutes(2));
      if (exitCode != 0) {
        throw new IOException("Extracting " + jar + " failed:\n" + extraction.output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while extracting " + jar, e);
    }
    FileTrees.delete(directory);
    Files.move(partial, directory, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void removeOtherVersions(Path root, String keep) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> versions = Files.list(root)) {
      for (Path version : versions.toList()) {
        if (!version.getFileName().toString().equals(keep)) {
          FileTrees.delete(version);
        }
      }
    }
  }
}
