package io.shopstack.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service JVM started from its executable jar (or, with a {@link StartupCache}, from the
 * extracted jar and the JDK's class cache), with its output in a log file.
 */
final class ServiceProcess {

  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final int managementPort;
  private final List<String> jvmOptions;
  private final Path jar;
  private final StartupCache startupCache;
  private final List<String> args;
  private final Map<String, String> environment;
  private final Path log;
  private Process process;
  private boolean training;
  private boolean cached;

  ServiceProcess(
      String name,
      int port,
      int managementPort,
      List<String> jvmOptions,
      Path jar,
      StartupCache startupCache,
      List<String> args,
      Map<String, String> environment,
      Path log) {
    this.name = name;
    this.port = port;
    this.managementPort = managementPort;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.jar = jar;
    this.startupCache = startupCache;
    this.args = List.copyOf(args);
    this.environment = Map.copyOf(environment);
    this.log = log;
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  int managementPort() {
    return managementPort;
  }

  Path log() {
    return log;
  }

  /** Whether the last start used the JDK's class cache ({@link StartupCache}). */
  boolean startedWithCache() {
    return cached;
  }

  /** Whether the last start will write the class cache when it stops. */
  boolean writesCache() {
    return training;
  }

  boolean isRunning() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  void start() throws IOException {
    if (isRunning()) {
      return;
    }
    Files.createDirectories(log.getParent());
    if (training) {
      // The last run trained and ended on its own (it was never stopped): its turn is over.
      training = false;
      startupCache.trainingEnded(jvmOptions, false);
    }
    List<String> options = new ArrayList<>(jvmOptions);
    Path start = jar;
    cached = false;
    if (startupCache != null) {
      start = startupCache.applicationJar();
      StartupCache.Start cacheStart = startupCache.start(jvmOptions);
      training = cacheStart.training();
      cached = cacheStart.cached();
      options.addAll(cacheStart.options());
    }
    ProcessBuilder builder =
        new ProcessBuilder(javaCommand(options, start, args)).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    process = builder.start();
  }

  /** Waits until {@code /actuator/health/readiness} answers 200, or fails with the log's tail. */
  void awaitReady(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    HttpRequest probe =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + " before it was ready:\n" + tail());
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new IllegalStateException(
        name + " was not ready within " + timeout.toSeconds() + " s:\n" + tail());
  }

  /** SIGTERM, as Kubernetes does, then a hard kill if it has not ended in time. */
  void stop(Duration grace) throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    boolean killed = false;
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      killed = true;
      process.waitFor(10, TimeUnit.SECONDS);
    }
    if (training) {
      // With a training run the JVM writes the class cache on its way out (a few seconds).
      training = false;
      startupCache.trainingEnded(jvmOptions, killed);
    }
  }

  /** SIGKILL, as a crash or the kernel's OOM killer ends a JVM: no shutdown of any kind. */
  void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    if (training) {
      training = false;
      startupCache.trainingEnded(jvmOptions, true);
    }
  }

  /**
   * The same service with these {@code --key=value} settings instead of its own for the same keys
   * (Spring joins a key given twice on the command line with a comma rather than taking the last).
   */
  ServiceProcess withSettings(List<String> settings) {
    List<String> keys = settings.stream().map(ServiceProcess::key).toList();
    List<String> all = new java.util.ArrayList<>(args);
    all.removeIf(arg -> keys.contains(key(arg)));
    all.addAll(settings);
    return new ServiceProcess(
        name, port, managementPort, jvmOptions, jar, startupCache, all, environment, log);
  }

  private static String key(String arg) {
    int equals = arg.indexOf('=');
    return equals < 0 ? arg : arg.substring(0, equals);
  }

  /** Runs to completion (the batch job) and answers its exit code. */
  int runToCompletion(Duration timeout) throws IOException, InterruptedException {
    start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not finish within " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  static List<String> javaCommand(List<String> jvmOptions, Path jar, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    return command;
  }
}
