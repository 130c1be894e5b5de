package io.shopstack.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The whole shop on 127.0.0.1 without Docker or Kubernetes: an embedded PostgreSQL with one
 * database per service, two inventory-service instances, order-service and the gateway as separate
 * JVMs (discovery by Spring Cloud's simple discovery client), and the batch job on demand or on a
 * schedule. {@link #main} is the README's local-run command; the stack tests use the same class.
 */
public final class LocalStack implements AutoCloseable {

  /** Where things listen; 0 picks a free port. */
  public record Ports(
      int gateway, int order, int inventoryA, int inventoryB, int auth, int postgres) {
    public static Ports defaults() {
      return new Ports(8080, 8081, 8082, 8083, 9000, 15432);
    }

    public static Ports free() {
      return new Ports(0, 0, 0, 0, 0, 0);
    }
  }

  /**
   * DEMO ACCOUNTS of auth-server (the same user names and demo passwords as the Kubernetes demo
   * Secret auth-server-users): two customers and an operator.
   */
  public static final Map<String, String> DEMO_PASSWORDS =
      Map.of(
          "alice", "demo-only-alice-password",
          "bob", "demo-only-bob-password",
          "oscar", "demo-only-oscar-password");

  /**
   * A SkyWalking agent directory ({@code skywalking-agent.jar} and {@code config/agent.config}) to
   * attach to every JVM, reporting to {@code backendServices} ({@code host:port} of OAP's gRPC
   * receiver or of an in-test collector), with more {@code SW_*} settings for every agent.
   */
  public record Agent(Path directory, String backendServices, Map<String, String> settings) {
    public Agent {
      settings = Map.copyOf(settings);
      if (!Files.isRegularFile(directory.resolve("skywalking-agent.jar"))
          || !Files.isRegularFile(directory.resolve("config/agent.config"))) {
        throw new IllegalArgumentException(
            directory
                + " is no SkyWalking agent directory (skywalking-agent.jar, config/agent.config)");
      }
    }
  }

  public static final String GATEWAY = "gateway";
  public static final String ORDER = "order-service";
  public static final String INVENTORY_A = "inventory-service-a";
  public static final String INVENTORY_B = "inventory-service-b";
  public static final String BATCH = "batch-jobs";
  public static final String AUTH = "auth-server";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final Path projectDir;
  private final Path logDir;
  private final Agent agent;
  private final Map<String, String> batchSettings;
  private final Map<String, String> clientSecrets = new HashMap<>();
  private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
  private final List<ServiceProcess> batchRuns = new ArrayList<>();
  private EmbeddedPostgres postgres;
  private Ports ports;
  private boolean freePorts;
  private int batchRun;

  private LocalStack(Path projectDir, Path logDir, Agent agent, Map<String, String> batchSettings) {
    this.projectDir = projectDir;
    this.logDir = logDir;
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
    LocalStack stack = new LocalStack(projectDir, logDir, agent, batchSettings);
    try {
      stack.startAll(wanted);
      return stack;
    } catch (IOException | InterruptedException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Ports wanted) throws IOException, InterruptedException {
    freePorts = wanted.gateway() == 0;
    Files.createDirectories(logDir);
    Path dataDirectory = logDir.resolve("postgres-data");
    removeLeftoverData(dataDirectory);
    postgres =
        EmbeddedPostgres.builder()
            .setPort(wanted.postgres() == 0 ? freePort() : wanted.postgres())
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(true)
            .start();
    createDatabases("orders", "inventory");
    ports =
        new Ports(
            portOrFree(wanted.gateway()),
            portOrFree(wanted.order()),
            portOrFree(wanted.inventoryA()),
            portOrFree(wanted.inventoryB()),
            portOrFree(wanted.auth()),
            postgres.getPort());
    writeSecrets();

    String inventoryUris =
        "--spring.cloud.discovery.client.simple.instances.inventory-service[0].uri=http://127.0.0.1:%d"
                .formatted(ports.inventoryA())
            + " --spring.cloud.discovery.client.simple.instances.inventory-service[1].uri=http://127.0.0.1:%d"
                .formatted(ports.inventoryB());
    define(AUTH, "auth-server", ports.auth(), List.of());
    define(INVENTORY_A, "inventory-service", ports.inventoryA(), database("inventory"));
    define(INVENTORY_B, "inventory-service", ports.inventoryB(), database("inventory"));
    List<String> orderArgs = new ArrayList<>(database("orders"));
    orderArgs.addAll(List.of(inventoryUris.split(" ")));
    define(ORDER, "order-service", ports.order(), orderArgs);
    List<String> gatewayArgs = new ArrayList<>(List.of(inventoryUris.split(" ")));
    gatewayArgs.add(
        "--spring.cloud.discovery.client.simple.instances.order-service[0].uri=http://127.0.0.1:"
            + ports.order());
    define(GATEWAY, "gateway", ports.gateway(), gatewayArgs);

    // One after the other, each ready before the next starts. A JVM's start is CPU-bound (class
    // loading, JIT, Spring's context): side by side on a laptop's few cores each takes three
    // times as long and the whole stack is no sooner ready (bench/run.sh measured 3.5 s for
    // inventory-a alone, 9-12 s for the next three started together). Inventory-a first also
    // means only one instance runs the Flyway migrations of the database both share; auth-server
    // before them all, so that the first request finds its JWK set.
    for (String name : List.of(AUTH, INVENTORY_A, INVENTORY_B, ORDER, GATEWAY)) {
      start(name);
    }
  }

  /**
   * The data of every run is thrown away when it stops. A run that was killed (SIGKILL, a crash)
   * leaves it behind, and PostgreSQL's initdb would then refuse the directory: remove it, unless
   * the PostgreSQL of that run is still running.
   */
  private static void removeLeftoverData(Path dataDirectory) throws IOException {
    if (!Files.exists(dataDirectory)) {
      return;
    }
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (Files.isRegularFile(pidFile)) {
      List<String> lines = Files.readAllLines(pidFile);
      if (!lines.isEmpty()) {
        long pid = Long.parseLong(lines.getFirst().strip());
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          throw new IllegalStateException(
              "PostgreSQL of an earlier run is still running (pid "
                  + pid
                  + ", data in "
                  + dataDirectory
                  + "): stop that run first");
        }
      }
    }
    FileTrees.delete(dataDirectory);
  }

  private void define(String name, String module, int port, List<String> settings)
      throws IOException {
    // Actuator on a port of its own, as in Kubernetes: the API port serves only the API.
    int managementPort = port <= 9000 && !freePorts ? port + 1000 : freePort();
    List<String> args = new ArrayList<>();
    args.add("--server.address=127.0.0.1");
    args.add("--server.port=" + port);
    args.add("--management.server.address=127.0.0.1");
    args.add("--management.server.port=" + managementPort);
    args.add("--shop.auth.url=" + authUrl());
    args.add("--shop.secrets.directory=" + secretsOf(module));
    args.addAll(settings);
    services.put(
        name,
        new ServiceProcess(
            name,
            port,
            managementPort,
            jvmOptions(),
            jar(module),
            // The JDK's class cache and a Java agent that rewrites classes do not mix (and the
            // agent is for tracing runs, not for fast starts).
            agent == null ? StartupCache.of(jar(module)) : null,
            args,
            agentEnvironment(module, name),
            logDir.resolve(name + ".log")));
  }

  private List<String> database(String name) {
    return List.of(
        "--spring.datasource.url=" + jdbcUrl(name),
        "--spring.datasource.username=postgres",
        "--spring.datasource.password=postgres");
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:%d/%s".formatted(postgres.getPort(), database);
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
    services.put(name, service(name).withSettings(List.of(settings)));
    start(name);
  }

  /** Runs the batch job once to completion and answers its exit code. */
  public int runBatch(String... extraArgs) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    args.add("--shop.batch.order-service-url=http://127.0.0.1:" + ports.order());
    args.add("--shop.auth.url=" + authUrl());
    args.add("--shop.secrets.directory=" + secretsOf("batch-jobs"));
    batchSettings.forEach((key, value) -> args.add("--" + key + "=" + value));
    args.addAll(List.of(extraArgs));
    ServiceProcess run;
    synchronized (this) {
      batchRun++;
      run =
          new ServiceProcess(
              BATCH,
              0,
              0,
              jvmOptions(),
              jar("batch-jobs"),
              null,
              args,
              agentEnvironment("batch-jobs", BATCH + "-" + batchRun),
              logDir.resolve(BATCH + ".log"));
      batchRuns.add(run);
    }
    return run.runToCompletion(Duration.ofMinutes(3));
  }

  /**
   * One line on the JDK class cache ({@link StartupCache}): which services started with it and
   * which write it when they stop (the first start after a build).
   */
  public String startupCacheSummary() {
    List<String> used = new ArrayList<>();
    List<String> writing = new ArrayList<>();
    services.forEach(
        (name, service) -> {
          if (service.startedWithCache()) {
            used.add(name);
          } else if (service.writesCache()) {
            writing.add(name);
          }
        });
    if (used.isEmpty() && writing.isEmpty()) {
      return "Class cache: not used (a Java agent is attached).";
    }
    return "Class cache: started with it: "
        + (used.isEmpty() ? "none" : String.join(", ", used))
        + (writing.isEmpty()
            ? "."
            : "; written when stopped, for faster later starts: "
                + String.join(", ", writing)
                + ".");
  }

  public Ports ports() {
    return ports;
  }

  public String gatewayUrl() {
    return "http://127.0.0.1:" + ports.gateway();
  }

  /** Where auth-server answers; also the issuer its tokens carry here. */
  public String authUrl() {
    return "http://127.0.0.1:" + ports.auth();
  }

  /**
   * Secrets as the services read them in a cluster: files named after the property, one directory
   * per service (what the Kubernetes Secrets mount at /etc/shop/secrets), never on a command line.
   * auth-server's signing key is new on every run; the client secrets too (only the services need
   * them); the people's passwords are the demo ones.
   */
  private void writeSecrets() throws IOException {
    for (String client : List.of("order-service", "batch-jobs")) {
      clientSecrets.put(client, DemoKeys.randomSecret());
    }
    Map<String, String> auth = new LinkedHashMap<>();
    auth.put("shop.auth.signing-key", DemoKeys.rsaPrivateKeyPem());
    DEMO_PASSWORDS.forEach(
        (user, password) -> auth.put("shop.auth.users." + user + ".password", password));
    clientSecrets.forEach(
        (client, secret) -> auth.put("shop.auth.clients." + client + ".secret", secret));
    writeSecretFiles("auth-server", auth);
    for (String client : clientSecrets.keySet()) {
      writeSecretFiles(client, Map.of("shop.auth.client-secret", clientSecrets.get(client)));
    }
    for (String module : List.of("gateway", "inventory-service")) {
      writeSecretFiles(module, Map.of());
    }
  }

  private void writeSecretFiles(String module, Map<String, String> files) throws IOException {
    Path directory = secretsOf(module);
    if (Files.exists(directory)) {
      FileTrees.delete(directory);
    }
    Files.createDirectories(directory);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = directory.resolve(file.getKey());
      Files.writeString(path, file.getValue());
      DemoKeys.ownerOnly(path);
    }
  }

  /** The file that holds one of a module's secrets (for tests that need auth-server's key). */
  public Path secretFile(String module, String property) {
    return secretsOf(module).resolve(property);
  }

  private Path secretsOf(String module) {
    return logDir.resolve("secrets").resolve(module).toAbsolutePath();
  }

  public String url(String name) {
    return "http://127.0.0.1:" + service(name).port();
  }

  /** Where the named service's actuator answers (health, info, prometheus). */
  public String managementUrl(String name) {
    return "http://127.0.0.1:" + service(name).managementPort();
  }

  /** Where every run of the batch job writes its output. */
  public Path batchLog() {
    return logDir.resolve(BATCH + ".log");
  }

  public Path log(String name) {
    return service(name).log();
  }

  public String jdbcUrlOf(String database) {
    return jdbcUrl(database);
  }

  @Override
  public void close() {
    List<ServiceProcess> all = new ArrayList<>(services.values());
    all.addAll(batchRuns);
    for (ServiceProcess service : all.reversed()) {
      try {
        service.stop(STOP_GRACE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private ServiceProcess service(String name) {
    ServiceProcess service = services.get(name);
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

  private List<String> jvmOptions() {
    // The memory envelope of a pod (limit 1 GiB, or SHOP_POD_MEMORY; heap 40 % of it, as the
    // manifests' JDK_JAVA_OPTIONS set) instead of a quarter of this machine's memory per JVM, and
    // the collector the JVM picks by itself in such a pod: below 1792 MiB of memory it is no
    // "server class machine" and uses the serial collector; here, where it sees the whole
    // machine, that has to be said. docs/performance.md has the measured alternative (G1).
    String podMemory = System.getenv().getOrDefault("SHOP_POD_MEMORY", "1g");
    List<String> options =
        new ArrayList<>(
            List.of(
                "-Xss512k",
                "-XX:MaxRAM=" + podMemory,
                "-XX:MaxRAMPercentage=40",
                "-XX:+UseSerialGC"));
    if (agent != null) {
      options.add("-javaagent:" + agent.directory().resolve("skywalking-agent.jar"));
      // No traces of the readiness polls and scrapes (the actuator) with an agent that has the
      // trace-ignore plugin in plugins/, as the cluster's (k8s/base/skywalking/agent/).
      options.add("-Dskywalking.trace.ignore_path=*:/actuator/**");
      // The 9.4 agent's shaded Byte Buddy needs this to instrument classes of JDK 25.
      options.add("-Dorg.apache.skywalking.apm.dependencies.net.bytebuddy.experimental=true");
    }
    return options;
  }

  private Map<String, String> agentEnvironment(String module, String instance) {
    Map<String, String> env = new HashMap<>();
    if (agent != null) {
      env.putAll(agent.settings());
      env.put("SW_AGENT_NAME", module);
      env.put("SW_AGENT_INSTANCE_NAME", instance);
      env.put("SW_AGENT_COLLECTOR_BACKEND_SERVICES", agent.backendServices());
      if (module.equals("batch-jobs")) {
        // A heartbeat every second instead of every 30 s: the job's JVM lives a few seconds, and
        // the heartbeat is what registers a service in OAP (the CronJob's pod spec does the same).
        env.putIfAbsent("SW_AGENT_COLLECTOR_HEARTBEAT_PERIOD", "1");
      }
      // The agent's own log beside the service's, one file per JVM (they share the agent dir).
      env.put("SW_LOGGING_DIR", logDir.toAbsolutePath().toString());
      env.put("SW_LOGGING_FILE_NAME", instance + "-agent.log");
    }
    return env;
  }

  private void createDatabases(String... names) {
    try (Connection connection =
            DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "postgres");
        Statement statement = connection.createStatement()) {
      for (String name : names) {
        statement.execute("CREATE DATABASE " + name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create the databases", e);
    }
  }

  private static int portOrFree(int port) throws IOException {
    return port == 0 ? freePort() : port;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * The README's local-run command (through {@code ./run-local.sh}). Settings from the environment:
   * {@code SHOP_GATEWAY_PORT} (8080), {@code SHOP_BATCH_INTERVAL} (seconds between batch runs, 60),
   * {@code SKYWALKING_AGENT_DIR} (attach that agent to every JVM; {@code
   * skywalking-collector/target/skywalking-agent} is the one the build prepares), {@code
   * SW_AGENT_COLLECTOR_BACKEND_SERVICES} (where it reports, 127.0.0.1:11800).
   */
  public static void main(String[] args) throws Exception {
    // Embedded PostgreSQL narrates every step at INFO; warnings are what a user needs here.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> env = System.getenv();
    Path projectDir =
        Path.of(env.getOrDefault("SHOP_PROJECT_DIR", ".")).toAbsolutePath().normalize();
    Path logDir = projectDir.resolve(".local-stack");
    Ports defaults = Ports.defaults();
    Ports ports =
        new Ports(
            Integer.parseInt(env.getOrDefault("SHOP_GATEWAY_PORT", "" + defaults.gateway())),
            defaults.order(),
            defaults.inventoryA(),
            defaults.inventoryB(),
            defaults.auth(),
            defaults.postgres());
    Agent agent =
        env.containsKey("SKYWALKING_AGENT_DIR")
            ? new Agent(
                Path.of(env.get("SKYWALKING_AGENT_DIR")).toAbsolutePath(),
                env.getOrDefault("SW_AGENT_COLLECTOR_BACKEND_SERVICES", "127.0.0.1:11800"),
                Map.of())
            : null;
    long interval = Long.parseLong(env.getOrDefault("SHOP_BATCH_INTERVAL", "60"));

    System.out.println("Starting the shop on 127.0.0.1 (logs in " + logDir + ") ...");
    LocalStack stack =
        start(projectDir, logDir, ports, agent, Map.of("shop.batch.reconcile-after", "30s"));
    CountDownLatch stopped = new CountDownLatch(1);
    ScheduledExecutorService batch = Executors.newSingleThreadScheduledExecutor();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nStopping the shop ...");
                  batch.shutdownNow();
                  stack.close();
                  stopped.countDown();
                },
                "local-stack-stop"));

    String gateway = stack.gatewayUrl();
    System.out.printf(
        """

        The shop is ready%s.
          gateway:            %s
          auth-server:        %s (DEMO ACCOUNTS: customers alice and bob, operator oscar;
                              password demo-only-<name>-password)
          order-service:      %s   inventory-service: %s and %s
          actuator:           on each API port + 1000 (e.g. %s/actuator/health)
          PostgreSQL:         %s (user postgres, password postgres)

        Log in as alice (authorization code with PKCE; the script asks for the password, or
        takes it from SHOP_PASSWORD):
          TOKEN=$(SHOP_PASSWORD=demo-only-alice-password ./shop-token.sh alice)
        Place an order:
          curl -i -X POST %s/api/orders -H "Authorization: Bearer $TOKEN" \\
               -H 'Content-Type: application/json' \\
               -H "Idempotency-Key: $(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)" \\
               -d '{"lines":[{"sku":"SKU-RED-MUG","quantity":1}]}'
        List my orders:
          curl -H "Authorization: Bearer $TOKEN" %s/api/orders
        List the catalogue (public):
          curl %s/api/inventory/items
        Add stock, as the operator (inventory's internal API, not routed by the gateway;
        repeating it changes nothing):
          OPERATOR=$(SHOP_PASSWORD=demo-only-oscar-password ./shop-token.sh oscar)
          curl -i -X PUT %s/internal/inventory/items/SKU-RED-MUG/adjustments/$(cat /proc/sys/kernel/random/uuid) \\
               -H "Authorization: Bearer $OPERATOR" -H 'Content-Type: application/json' -d '{"change":10}'

        The batch job runs every %d s. Ctrl-C stops everything.
        %s
        """,
        agent == null
            ? ""
            : " (SkyWalking agent attached, reporting to " + agent.backendServices() + ")",
        gateway,
        stack.authUrl(),
        stack.url(ORDER),
        stack.url(INVENTORY_A),
        stack.url(INVENTORY_B),
        stack.managementUrl(GATEWAY),
        stack.jdbcUrlOf("orders").replace("/orders", ""),
        gateway,
        gateway,
        gateway,
        stack.url(INVENTORY_A),
        interval,
        stack.startupCacheSummary());
    batch.scheduleWithFixedDelay(
        () -> {
          try {
            int code = stack.runBatch();
            System.out.println(
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
                    + " batch-jobs exited with "
                    + code);
          } catch (Exception e) {
            System.out.println("batch-jobs could not run: " + e.getMessage());
          }
        },
        interval,
        interval,
        TimeUnit.SECONDS);
    stopped.await();
  }
}
