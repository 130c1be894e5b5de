package io.shopstack.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * One service as its own JVM, started from its executable jar ({@code
 * <module>/target/<module>.jar}) with the environment its Deployment gives it, on loopback ports of
 * its own. Output goes to {@code target/kubernetes-it/<name>.log}.
 */
final class ServiceJvm implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final String address;
  private final int port;
  private final int managementPort;
  private final Path log;
  private final Process process;

  private ServiceJvm(
      String name,
      String module,
      String address,
      int port,
      List<String> jvmOptions,
      Map<String, String> env) {
    this.name = name;
    this.address = address;
    this.port = port;
    this.managementPort = freePort(address);
    this.log = Path.of("target", "kubernetes-it", name + ".log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    // Start-up speed over peak performance: these JVMs live for a minute.
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar(module).toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("SERVER_ADDRESS", address);
    builder.environment().put("SERVER_PORT", String.valueOf(port));
    builder.environment().put("MANAGEMENT_SERVER_ADDRESS", address);
    builder.environment().put("MANAGEMENT_SERVER_PORT", String.valueOf(managementPort));
    try {
      Files.createDirectories(log.getParent());
      builder.redirectOutput(log.toFile());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /**
   * Starts a JVM serving on {@code address:port}; like a pod, each has an address of its own (in
   * 127.0.0.0/8) while the replicas of one Deployment share the port number.
   */
  static ServiceJvm start(
      String name,
      String module,
      String address,
      int port,
      List<String> jvmOptions,
      Map<String, String> env) {
    return new ServiceJvm(name, module, address, port, jvmOptions, env);
  }

  String name() {
    return name;
  }

  String address() {
    return address;
  }

  int port() {
    return port;
  }

  int managementPort() {
    return managementPort;
  }

  /** Waits until the readiness probe of the manifests answers 200, as the kubelet would. */
  ServiceJvm awaitReady(Duration timeout) {
    HttpRequest probe =
        HttpRequest.newBuilder(
                URI.create(
                    "http://" + address + ":" + managementPort + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(2))
            .build();
    Awaitility.await(name + " ready")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(name + " exited before it was ready:\n" + output());
              }
              return HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            });
    return this;
  }

  /** Waits for the JVM to end by itself and answers its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  /** What the JVM printed so far. */
  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output at " + log + ")";
    }
  }

  /** Its Prometheus scrape, as text. */
  String metrics() throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + address + ":" + managementPort + "/actuator/prometheus"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Path jar(String module) {
    Path jar =
        Manifests.k8s().getParent().resolve(module).resolve("target").resolve(module + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          jar + " is missing: build it first (./mvnw -pl " + module + " -am package)");
    }
    return jar;
  }

  /** A port that is free on every one of the addresses. */
  static int freePort(String... addresses) {
    for (int attempt = 0; attempt < 20; attempt++) {
      int port = bind(addresses[0], 0);
      if (java.util.Arrays.stream(addresses).allMatch(a -> bind(a, port) == port)) {
        return port;
      }
    }
    throw new IllegalStateException("no port free on all of " + List.of(addresses));
  }

  private static int bind(String address, int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      return -1;
    }
  }
}
