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
 * One service as its own JVM, started from its jar with the JDK running this code, its output
 * appended to a log file; what the local stack runs for every service, and kubernetes-it for every
 * pod. It is ready when its readiness probe ({@code /actuator/health/readiness} on the management
 * port) answers 200, as the kubelet sees it; it is stopped as the kubelet stops a pod: SIGTERM,
 * then SIGKILL after a grace period. Configure it before {@link #start()}; it can be started again
 * after it stopped.
 */
public final class ServiceJvm implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(3);

  private final String name;
  private final Path jar;
  private final Path log;
  private String address = "127.0.0.1";
  private int port;
  private int managementPort;
  private List<String> jvmOptions = List.of();
  private List<String> args = List.of();
  private Map<String, String> environment = Map.of();
  private StartupCache startupCache;

  private Process process;
  private long outputStart;
  private boolean startedWithCache;
  private boolean trainedCache;

  public ServiceJvm(String name, Path jar, Path log) {
    this.name = name;
    this.jar = jar;
    this.log = log;
  }

  /**
   * Serve the API on {@code address:port} and actuator on {@code address:managementPort}: a port of
   * its own, as in Kubernetes, where the Service exposes only the API. Without this the JVM serves
   * nothing (the batch job).
   */
  public ServiceJvm listeningOn(String address, int port, int managementPort) {
    this.address = address;
    this.port = port;
    this.managementPort = managementPort;
    return this;
  }

  public ServiceJvm jvmOptions(List<String> jvmOptions) {
    this.jvmOptions = List.copyOf(jvmOptions);
    return this;
  }

  /** The application's command-line arguments, {@code --key=value} for Spring settings. */
  public ServiceJvm args(List<String> args) {
    this.args = List.copyOf(args);
    return this;
  }

  public ServiceJvm environment(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    return this;
  }

  /** Start from the extracted jar with the JDK's class cache, trained on the first start. */
  ServiceJvm startupCache(StartupCache startupCache) {
    this.startupCache = startupCache;
    return this;
  }

  /**
   * These {@code --key=value} settings in place of the arguments with the same keys (Spring joins a
   * key given twice on the command line with a comma rather than taking the last), for the next
   * start.
   */
  public ServiceJvm replaceSettings(List<String> settings) {
    List<String> keys = settings.stream().map(ServiceJvm::key).toList();
    List<String> all = new ArrayList<>(args);
    all.removeIf(arg -> keys.contains(key(arg)));
    all.addAll(settings);
    return args(all);
  }

  private static String key(String arg) {
    int equals = arg.indexOf('=');
    return equals < 0 ? arg : arg.substring(0, equals);
  }

  public String name() {
    return name;
  }

  public String address() {
    return address;
  }

  public int port() {
    return port;
  }

  public int managementPort() {
    return managementPort;
  }

  public Path log() {
    return log;
  }

  /** Whether the last start used the class cache. */
  boolean startedWithCache() {
    return startedWithCache;
  }

  /** Whether the last start had to train the class cache first. */
  boolean trainedCache() {
    return trainedCache;
  }

  /** Starts the JVM unless it runs; with a class cache, after its training run if there is none. */
  public void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    Files.createDirectories(log.getParent());
    List<String> options = new ArrayList<>(jvmOptions);
    Path start = jar;
    startedWithCache = false;
    trainedCache = false;
    if (startupCache != null) {
      start = startupCache.applicationJar();
      List<String> cacheOptions = startupCache.options(jvmOptions, this::train);
      startedWithCache = !cacheOptions.isEmpty();
      options.addAll(cacheOptions);
    }
    outputStart = Files.exists(log) ? Files.size(log) : 0;
    process = launch(options, start, log);
  }

  /**
   * The training run: this service with the same settings, so that the cache holds the classes of
   * its real start, writing to a log of its own (the service's log is the real start's).
   */
  private boolean train(List<String> trainingOptions) throws IOException, InterruptedException {
    trainedCache = true;
    List<String> options = new ArrayList<>(jvmOptions);
    options.addAll(trainingOptions);
    Path trainingLog = log.resolveSibling(name + "-training.log");
    Process training = launch(options, startupCache.applicationJar(), trainingLog);
    try {
      return training.waitFor(TRAINING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          && training.exitValue() == 0;
    } finally {
      end(training);
    }
  }

  private Process launch(List<String> options, Path jarToStart, Path output) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(options);
    command.add("-jar");
    command.add(jarToStart.toString());
    if (port != 0) {
      command.add("--server.address=" + address);
      command.add("--server.port=" + port);
      command.add("--management.server.address=" + address);
      command.add("--management.server.port=" + managementPort);
    }
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** Waits until the readiness probe answers 200, or fails with the end of the output. */
  public ServiceJvm awaitReady(Duration timeout) throws InterruptedException {
    HttpRequest probe =
        HttpRequest.newBuilder(
                URI.create(
                    "http://" + address + ":" + managementPort + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(2))
            .build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + " before it was ready:\n" + tail());
      }
      try {
        if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return this;
        }
      } catch (IOException notListeningYet) {
        // the next poll tells
      }
      process.waitFor(250, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException(
        name + " was not ready within " + timeout.toSeconds() + " s:\n" + tail());
  }

  /**
   * Waits for the JVM to end by itself (the batch job, a failed start) and answers its exit code.
   */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still runs after " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  /** SIGTERM, as Kubernetes stops a pod, then SIGKILL if it has not ended within {@code grace}. */
  public void stop(Duration grace) throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      end(process);
    }
  }

  /** SIGKILL, as a crash or the kernel's OOM killer ends a JVM: no shutdown of any kind. */
  public void kill() throws InterruptedException {
    if (process != null) {
      end(process);
    }
  }

  private static void end(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Stops it, and does not leave it running when interrupted while waiting for its end. */
  @Override
  public void close() {
    try {
      stop(STOP_GRACE);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** What the JVM printed since its last start. */
  public String output() {
    try {
      byte[] all = Files.readAllBytes(log);
      int from = (int) Math.min(outputStart, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output at " + log + ")";
    }
  }

  private String tail() {
    List<String> lines = output().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
