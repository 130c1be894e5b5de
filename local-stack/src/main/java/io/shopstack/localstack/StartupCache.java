package io.shopstack.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What makes a service JVM start faster from its second start on: the executable jar extracted to a
 * plain class path (Spring Boot's {@code -Djarmode=tools extract}), and a class cache of the JDK
 * made from a real run of that class path.
 *
 * <ul>
 *   <li>JDK 25 and later: the ahead-of-time cache (JEP 483, 514, 515). The first start runs with
 *       {@code -XX:AOTCacheOutput}: the JVM records which classes it loads and links and which
 *       methods get hot, and writes the cache when the service stops. Later starts use it with
 *       {@code -XX:AOTCache}, classes already loaded and linked.
 *   <li>JDK 21 to 24: a dynamic class-data sharing archive ({@code -XX:+AutoCreateSharedArchive}),
 *       written at exit in the same way.
 * </ul>
 *
 * Both live in {@code <module>/target/local-stack/<jar size>-<jar time>/}, one cache per set of JVM
 * options (a cache made with one collector is not fully usable with another): a rebuilt jar gets a
 * new directory and the older ones are removed, so a cache never outlives its classes, and {@code
 * mvn clean} removes it all. A cache the JVM cannot use (say, made by another JDK) is ignored by
 * the JVM with a warning; the service then starts as without it.
 */
final class StartupCache {

  /** The kind of cache: what this JDK offers, the ahead-of-time cache from JDK 25 on. */
  enum Kind {
    AOT(".aot", "-Xlog:aot*=error,cds*=error"),
    CDS(".jsa", "-Xlog:cds*=error");

    static final Kind OF_THIS_JDK = Runtime.version().feature() >= 25 ? AOT : CDS;

    private final String suffix;

    /**
     * A training run warns about every class it cannot cache (hundreds); only errors belong in the
     * service's log. (The {@code aot} log tag exists from JDK 24 on.)
     */
    private final String quiet;

    Kind(String suffix, String quiet) {
      this.suffix = suffix;
      this.quiet = quiet;
    }
  }

  private static final Map<Path, StartupCache> byDirectory = new HashMap<>();

  private final Kind kind;

  private final Path directory;
  private final Path applicationJar;
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
   * The cache for JVMs started with these options: one per set of options, since a cache made with
   * one collector or heap setting is not (fully) usable with another.
   */
  Path cacheFile(List<String> jvmOptions) {
    String key = Integer.toHexString(String.join(" ", jvmOptions).hashCode());
    return directory.resolve("classes-" + key + kind.suffix);
  }

  /**
   * How a JVM of this module starts: the options that use the cache when there is one; otherwise
   * those that make it when this JVM exits ({@code training}), for one JVM at a time (two would
   * write the same file) and no options for the others. {@link #trainingEnded} gives the turn back.
   */
  record Start(List<String> options, boolean training) {
    /** Whether the JVM starts with a cache that is already there. */
    boolean cached() {
      return !training && !options.isEmpty();
    }
  }

  Start start(List<String> jvmOptions) {
    Path cache = cacheFile(jvmOptions);
    if (Files.isRegularFile(cache)) {
      return new Start(
          kind == Kind.AOT
              ? List.of("-XX:AOTCache=" + cache, kind.quiet)
              : List.of("-XX:SharedArchiveFile=" + cache, kind.quiet),
          false);
    }
    if (!training.add(cache)) {
      return new Start(List.of(), false);
    }
    return new Start(
        kind == Kind.AOT
            ? List.of("-XX:AOTCacheOutput=" + cache, kind.quiet)
            : List.of("-XX:SharedArchiveFile=" + cache, "-XX:+AutoCreateSharedArchive", kind.quiet),
        true);
  }

  /**
   * The training JVM has ended. If it was killed it may have left half a cache (or its temporary
   * files), which is removed so that the next start trains again.
   */
  void trainingEnded(List<String> jvmOptions, boolean killed) {
    Path cache = cacheFile(jvmOptions);
    try {
      if (killed) {
        try (Stream<Path> files = Files.list(directory)) {
          for (Path file : files.toList()) {
            if (file.getFileName().toString().startsWith(cache.getFileName().toString())) {
              Files.deleteIfExists(file);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      training.remove(cache);
    }
  }

  private static void extract(Path jar, Path directory) throws IOException {
    Path partial =
        Files.createDirectories(directory.getParent())
            .resolve(directory.getFileName() + ".partial");
    FileTrees.delete(partial);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        List.of(
            "-Djarmode=tools",
            "-jar",
            jar.toString(),
            "extract",
            "--destination",
            partial.resolve("application").toString()));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("Extracting " + jar + " failed: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
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
