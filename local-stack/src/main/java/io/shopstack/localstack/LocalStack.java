package io.shopstack.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole shop on 127.0.0.1 without Docker or Kubernetes: an embedded PostgreSQL with one
 * database per service, auth-server, two inventory-service instances, order-service and the gateway
 * as separate JVMs (discovery by Spring Cloud's simple discovery client), and the batch job on
 * demand. Each service starts from its extracted jar with the JDK's class cache ({@link
 * StartupCache}), made by a training run the first time after a build. {@link LocalRun} is the
 * README's local-run command; the stack tests use this class.
 */
public final class LocalStack implements AutoCloseable {

  /**
   * DEMO ACCOUNTS of auth-server (the same user names and demo passwords as the Kubernetes demo
   * Secret auth-server-users): two customers and an operator.
   */
  public static final Map<String, String> DEMO_PASSWORDS =
      Map.of(
          "alice", "demo-only-alice-password",
          "bob", "demo-only-bob-password",
          "oscar", "demo-only-oscar-password");

  public static final String GATEWAY = "gateway";
  public static final String ORDER = "order-service";
  public static final String INVENTORY_A = "inventory-service-a";
  public static final String INVENTORY_B = "inventory-service-b";
  public static final String BATCH = "batch-jobs";
  public static final String AUTH = "auth-server";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(3);

  private final Path projectDir;
  private final Path logDir;
  private final Ports wanted;
  private final Ports ports;
  private final Agent agent;
  private final Map<String, String> batchSettings;
  private final Map<String, ServiceJvm> services = new LinkedHashMap<>();
  private final List<ServiceJvm> batchRuns = new ArrayList<>();
  private Database database;
  private Secrets secrets;

  private LocalStack(
      Path projectDir, Path logDir, Ports wanted, Agent agent, Map<String, String> batchSettings) {
    this.projectDir = projectDir;
    this.logDir = logDir;
    this.wanted = wanted;
    this.ports = wanted.resolved();
    this.agent = agent;
    this.batchSettings = Map.copyOf(batchSettings);
  }

  /**
   * Starts everything and waits until every service reports ready.
   *
   * @param projectDir the repository root, where each module's {@code target/<module>.jar} is
   * @param logDir where each process writes its output
   * @param agent the SkyWalking agent to attach to every JVM, or {@code null}
   * @param batchSettings extra {@code --key=value} settings for every batch run
   */
  public static LocalStack start(
      Path projectDir, Path logDir, Ports wanted, Agent agent, Map<String, String> batchSettings)
      throws IOException, InterruptedException {
    LocalStack stack = new LocalStack(projectDir, logDir, wanted, agent, batchSettings);
    try {
      stack.startAll();
      return stack;
    } catch (IOException | InterruptedException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    database =
        Database.start(logDir.resolve("postgres-data"), ports.postgres(), "orders", "inventory");
    secrets = Secrets.write(logDir.resolve("secrets"));

    List<String> inventoryInstances =
        ServiceSettings.discovery("inventory-service", ports.inventoryA(), ports.inventoryB());
    define(AUTH, "auth-server", ports.auth());
    define(INVENTORY_A, "inventory-service", ports.inventoryA(), database.settingsFor("inventory"));
    define(INVENTORY_B, "inventory-service", ports.inventoryB(), database.settingsFor("inventory"));
    define(
        ORDER, "order-service", ports.order(), database.settingsFor("orders"), inventoryInstances);
    define(
        GATEWAY,
        "gateway",
        ports.gateway(),
        inventoryInstances,
        ServiceSettings.discovery("order-service", ports.order()));

    // One after the other, each ready before the next starts: a JVM's start is CPU-bound (class
    // loading, JIT, Spring's context), so JVMs started side by side on a laptop's few cores slow
    // each other down and the whole stack is no sooner ready (measured in docs/performance.md,
    // "Start-up"). Inventory-a first also means only one instance runs the Flyway migrations of
    // the database both share; auth-server before them all, so that the first request finds its
    // JWK set.
    for (String name : List.of(AUTH, INVENTORY_A, INVENTORY_B, ORDER, GATEWAY)) {
      start(name);
    }
  }

  @SafeVarargs
  private void define(String name, String module, int port, List<String>... settings) {
    List<String> args =
        new ArrayList<>(ServiceSettings.common(authUrl(), secrets.directoryOf(module)));
    for (List<String> more : settings) {
      args.addAll(more);
    }
    ServiceJvm service =
        new ServiceJvm(name, jar(module), logDir.resolve(name + ".log"))
            .listeningOn("127.0.0.1", port, wanted.managementPortFor(port))
            .jvmOptions(ServiceSettings.jvmOptions(agent))
            .args(args);
    if (agent != null) {
      service.environment(agent.environment(module, name, logDir));
    } else {
      // The JDK's class cache and a Java agent that rewrites classes do not mix (and the agent is
      // for tracing runs, not for fast starts).
      service.startupCache(StartupCache.of(jar(module)));
    }
    services.put(name, service);
  }

  /** Starts the named services side by side and waits until all of them are ready. */
  public void start(String... names) throws IOException, InterruptedException {
    for (String name : names) {
      service(name).start();
    }
    for (String name : names) {
      service(name).awaitReady(READY_TIMEOUT);
    }
  }

  /** Stops the named service with SIGTERM, as Kubernetes does, waiting for it to end. */
  public void stop(String name) throws InterruptedException {
    service(name).stop(STOP_GRACE);
  }

  /** Kills the named service with SIGKILL, as a crash would, waiting for it to end. */
  public void kill(String name) throws InterruptedException {
    service(name).kill();
  }

  /**
   * Stops the named service, starts it again with these {@code --key=value} settings in place of
   * the launcher's for the same keys (and beside them for new ones): to route one service through a
   * test's proxy, say.
   */
  public void restartWith(String name, String... settings)
      throws IOException, InterruptedException {
    stop(name);
    service(name).replaceSettings(List.of(settings));
    start(name);
  }

  /** Runs the batch job once to completion and answers its exit code. */
  public int runBatch(String... extraArgs) throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(ServiceSettings.common(authUrl(), secrets.directoryOf(BATCH)));
    args.add("--shop.batch.order-service-url=" + url(ORDER));
    batchSettings.forEach((key, value) -> args.add("--" + key + "=" + value));
    args.addAll(List.of(extraArgs));
    ServiceJvm run = new ServiceJvm(BATCH, jar(BATCH), batchLog());
    run.jvmOptions(ServiceSettings.jvmOptions(agent)).args(args);
    synchronized (this) {
      if (agent != null) {
        run.environment(agent.environment(BATCH, BATCH + "-" + (batchRuns.size() + 1), logDir));
      }
      batchRuns.add(run);
    }
    run.start();
    try {
      return run.awaitExit(BATCH_TIMEOUT);
    } finally {
      run.kill();
    }
  }

  /** One line on the JDK class cache ({@link StartupCache}): which services started with it. */
  public String startupCacheSummary() {
    if (agent != null) {
      return "Class cache: not used (a Java agent is attached).";
    }
    List<String> used = new ArrayList<>();
    List<String> trained = new ArrayList<>();
    List<String> without = new ArrayList<>();
    services.forEach(
        (name, service) -> {
          (service.startedWithCache() ? used : without).add(name);
          if (service.trainedCache()) {
            trained.add(name);
          }
        });
    return "Class cache: started with it: "
        + (used.isEmpty() ? "none" : String.join(", ", used))
        + (trained.isEmpty()
            ? ""
            : "; trained first (a training run, the first start after a build): "
                + String.join(", ", trained))
        + (without.isEmpty() ? "" : "; started without: " + String.join(", ", without))
        + ".";
  }

  public Ports ports() {
    return ports;
  }

  public String gatewayUrl() {
    return url(GATEWAY);
  }

  /** Where auth-server answers; also the issuer its tokens carry here. */
  public String authUrl() {
    return "http://127.0.0.1:" + ports.auth();
  }

  public String url(String name) {
    return "http://127.0.0.1:" + service(name).port();
  }

  /** Where the named service's actuator answers (health, info, prometheus). */
  public String managementUrl(String name) {
    return "http://127.0.0.1:" + service(name).managementPort();
  }

  /** The file that holds one of a module's secrets (for tests that need auth-server's key). */
  public Path secretFile(String module, String property) {
    return secrets.directoryOf(module).resolve(property);
  }

  /** Where every run of the batch job writes its output. */
  public Path batchLog() {
    return logDir.resolve(BATCH + ".log");
  }

  public Path log(String name) {
    return service(name).log();
  }

  public String jdbcUrlOf(String database) {
    return this.database.jdbcUrl(database);
  }

  @Override
  public void close() {
    List<ServiceJvm> all = new ArrayList<>(services.values());
    synchronized (this) {
      all.addAll(batchRuns);
    }
    for (ServiceJvm service : all.reversed()) {
      service.close();
    }
    if (database != null) {
      try {
        database.close();
      } catch (IOException e) {
        throw new UncheckedIOException("PostgreSQL did not stop", e);
      }
    }
  }

  private ServiceJvm service(String name) {
    ServiceJvm service = services.get(name);
    if (service == null) {
      throw new IllegalArgumentException("No service " + name + "; known: " + services.keySet());
    }
    return service;
  }

  private Path jar(String module) {
    Path jar = projectDir.resolve(module).resolve("target").resolve(module + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build first with ./mvnw -DskipTests package");
    }
    return jar;
  }
}
