package io.shopstack.kubernetes;

import static io.shopstack.localstack.Ports.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.shopstack.localstack.ServiceJvm;
import io.shopstack.testsupport.ShopLogin;
import io.shopstack.testsupport.TestPostgres;
import io.shopstack.testsupport.TestPostgres.Database;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * auth-server, the gateway, order-service and two inventory-service pods run as the manifests of
 * k8s/ describe them: each JVM gets its Deployment's environment (cloud platform KUBERNETES, the
 * ConfigMap import, the shared "auth" ConfigMap), its ServiceAccount's identity and its Secrets'
 * keys as files (auth-server's demo signing key, users and clients included), and talks to an API
 * server holding the rendered objects, with the test as endpoints controller. auth-server answers
 * at its Service's name and port (http://auth-server:9000, resolved by the pods' hosts file as the
 * cluster's DNS would), where the services fetch its JWK set and their own tokens; the test's
 * customer logs in at another address, as through a port-forward, and the token is accepted all the
 * same (the issuer is configured, not taken from the host). Requests through the gateway then show
 * discovery, load balancing and ConfigMap reload, and every API call each service made is held
 * against its Role.
 */
class ShopOnKubernetesIT {

  /** Where the Deployments mount the Secret with the database credentials. */
  private static final String SECRETS_MOUNT = "/etc/shop/secrets";

  private static final Duration START_UP = Duration.ofMinutes(3);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path pods;

  private static Manifests manifests;
  private static KubernetesApi api;
  private static Database orders;
  private static ServiceJvm inventoryA;
  private static ServiceJvm inventoryB;
  private static ServiceJvm orderService;
  private static ServiceJvm gateway;
  private static ServiceJvm authServer;
  private static String customerToken;

  /** auth-server's pod address; its Service's name resolves to it in every pod. */
  private static final String AUTH_ADDRESS = "127.0.0.4";

  @TempDir static Path dns;

  @BeforeAll
  static void deployTheShop() throws Exception {
    manifests = Manifests.render();
    api = KubernetesApi.start();
    api.apply(manifests.objects());

    authServer = authServerPod();
    Database inventory = database("inventory-service");
    orders = database("order-service");
    // Two replicas: two addresses, one port number, as two pods of a Deployment.
    int inventoryPort = freePort("127.0.0.2", "127.0.0.3");
    inventoryA = pod("inventory-service", "inventory-a", "127.0.0.2", inventoryPort, inventory);
    inventoryB = pod("inventory-service", "inventory-b", "127.0.0.3", inventoryPort, inventory);
    orderService =
        pod("order-service", "order-service", "127.0.0.1", freePort("127.0.0.1"), orders);
    gateway = pod("gateway", "gateway", "127.0.0.1", freePort("127.0.0.1"), null);

    // Like the endpoints controller: a pod is an endpoint of its Service once it is ready.
    inventoryA.awaitReady(START_UP);
    inventoryB.awaitReady(START_UP);
    api.setEndpoints("inventory-service", List.of(inventoryA, inventoryB));
    orderService.awaitReady(START_UP);
    api.setEndpoints("order-service", List.of(orderService));
    gateway.awaitReady(START_UP);
    api.setEndpoints("gateway", List.of(gateway));
    authServer.awaitReady(START_UP);
    api.setEndpoints("auth-server", List.of(authServer));

    // A customer of the demo Secret logs in at the pod's address, not at the Service's name.
    customerToken =
        new ShopLogin("http://" + AUTH_ADDRESS + ":" + authServer.port())
            .login(
                "alice",
                manifests
                    .secretMountedAt("auth-server", SECRETS_MOUNT)
                    .get("shop.auth.users.alice.password"))
            .value();
  }

  /**
   * auth-server as its Deployment runs it, on the port of its Service (both 9000) at an address of
   * its own, so that {@code SHOP_AUTH_URL} of the manifests, {@code http://auth-server:9000},
   * reaches it from every pod.
   */
  private static ServiceJvm authServerPod() throws IOException, InterruptedException {
    URI url = URI.create(manifests.env("auth-server").get("SHOP_AUTH_ISSUER"));
    assertThat(url.getHost()).isEqualTo("auth-server");
    assertThat(manifests.service("auth-server").getSpec().getPorts().getFirst().getPort())
        .isEqualTo(url.getPort());
    Path mount = secretFiles("auth-server", "auth-server");
    Map<String, String> env = new HashMap<>(manifests.env("auth-server"));
    env.remove("JAVA_TOOL_OPTIONS");
    env.put("SHOP_SECRETS_DIRECTORY", mount.toString());
    // No Kubernetes API identity: auth-server has no ServiceAccount token and makes no API calls.
    return startJvm(
        "auth-server", "auth-server", AUTH_ADDRESS, url.getPort(), List.of(hostsFile()), env);
  }

  /**
   * The cluster's DNS for these pods: a hosts file (the JDK's {@code jdk.net.hosts.file}) that
   * resolves the Service name auth-server to its pod, and loopback names to loopback.
   */
  private static String hostsFile() {
    Path hosts = dns.resolve("hosts");
    try {
      Files.writeString(hosts, AUTH_ADDRESS + " auth-server\n127.0.0.1 localhost\n::1 localhost\n");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return "-Djdk.net.hosts.file=" + hosts;
  }

  @AfterAll
  static void tearDown() throws Exception {
    Stream.of(gateway, orderService, inventoryB, inventoryA, authServer)
        .filter(Objects::nonNull)
        .forEach(ServiceJvm::close);
    if (api != null) {
      api.close();
    }
  }

  @Test
  void ordersGoThroughTheGatewayToServicesFoundByDiscovery() throws Exception {
    HttpResponse<String> placed = placeOrder(1);

    // CONFIRMED, not PENDING: order-service also reached inventory-service, by discovery too.
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    JsonNode order = JSON.readTree(placed.body());
    assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");
    assertThat(get("/api/orders/" + order.get("id").asString()).statusCode()).isEqualTo(200);
    assertThat(get("/api/inventory/items/SKU-RED-MUG").statusCode()).isEqualTo(200);
  }

  /**
   * The customer's token was fetched at auth-server's pod address, yet names the configured issuer,
   * which every service accepts; an order is CONFIRMED only if order-service got its own token from
   * http://auth-server:9000 and inventory-service checked it against the JWK set there.
   */
  @Test
  void tokensCarryTheConfiguredIssuerAndTheServicesFindAuthServerByItsServiceName()
      throws Exception {
    String payload =
        new String(
            java.util.Base64.getUrlDecoder().decode(customerToken.split("\\.")[1]),
            java.nio.charset.StandardCharsets.UTF_8);
    String issuer = manifests.env("auth-server").get("SHOP_AUTH_ISSUER");
    assertThat(JSON.readTree(payload).get("iss").asString()).isEqualTo(issuer);
    assertThat(issuer).doesNotContain(AUTH_ADDRESS);
    assertThat(manifests.env("order-service").get("SHOP_AUTH_URL"))
        .isEqualTo("http://auth-server:9000");

    HttpResponse<String> placed = placeOrder(1);
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    assertThat(JSON.readTree(placed.body()).get("customer").asString()).isEqualTo("alice");
  }

  @Test
  void loadIsSpreadOverEveryReadyPodAndNeverReachesOneThatLeftTheEndpoints() throws Exception {
    double a = servedItems(inventoryA);
    double b = servedItems(inventoryB);
    getItems(20);
    assertThat(servedItems(inventoryA)).as("requests served by pod a").isGreaterThan(a);
    assertThat(servedItems(inventoryB)).as("requests served by pod b").isGreaterThan(b);

    api.setEndpoints("inventory-service", List.of(inventoryA));
    try {
      // The gateway's informer sees the change at once; its load-balancer cache keeps the old
      // list for up to 5 s (spring.cloud.loadbalancer.cache.ttl). 15 s leaves room for a busy CI.
      await("pod b no longer gets requests")
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                double before = servedItems(inventoryB);
                getItems(10);
                assertThat(servedItems(inventoryB)).isEqualTo(before);
              });
      double removed = servedItems(inventoryB);
      double remaining = servedItems(inventoryA);
      getItems(20);
      assertThat(servedItems(inventoryB))
          .as("requests served by the removed pod")
          .isEqualTo(removed);
      assertThat(servedItems(inventoryA)).isEqualTo(remaining + 20);
    } finally {
      api.setEndpoints("inventory-service", List.of(inventoryA, inventoryB));
    }
  }

  @Test
  void aConfigMapEditChangesTheRunningServiceWithoutARestart() throws Exception {
    assertThat(placeOrder(3).statusCode()).isEqualTo(201);

    api.editConfigMap(
        "order-service",
        yaml -> replace(yaml, "max-quantity-per-line: 100", "max-quantity-per-line: 2"));
    try {
      await("order-service applies max-quantity-per-line: 2")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                HttpResponse<String> refused = placeOrder(3);
                assertThat(refused.statusCode()).isEqualTo(400);
                assertThat(refused.body()).contains("must be less than or equal to 2");
              });
    } finally {
      api.editConfigMap(
          "order-service",
          yaml -> replace(yaml, "max-quantity-per-line: 2", "max-quantity-per-line: 100"));
    }
    await("order-service applies max-quantity-per-line: 100 again")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(placeOrder(3).statusCode()).isEqualTo(201));
  }

  @Test
  void everyApiCallIsAllowedByTheCallersRoleAndEveryGrantIsUsed() throws Exception {
    assertThat(placeOrder(1).statusCode()).isEqualTo(201);

    // auth-server has no token for the API (automountServiceAccountToken: false), so none of its
    // calls could be authenticated: unauthenticatedRequests() below would show any.
    for (String deployment : List.of("gateway", "order-service", "inventory-service")) {
      String account = manifests.serviceAccount(deployment);
      List<ApiRequest> requests = api.requestsOf(account);
      assertThat(requests).as(account + " uses the API").isNotEmpty();
      assertThat(Rbac.compare(account, manifests.roleOf(account), requests))
          .as("the calls of " + account + ": " + requests)
          .isEmpty();
    }
    assertThat(api.unauthenticatedRequests()).isEmpty();
  }

  @Test
  void theRbacComparisonCatchesARoleThatGrantsTooLittleOrTooMuch() {
    List<ApiRequest> requests = api.requestsOf("gateway");

    Role withoutEndpoints = Manifests.copy(manifests.roleOf("gateway"));
    withoutEndpoints.getRules().forEach(rule -> rule.getResources().remove("endpoints"));
    assertThat(Rbac.compare("gateway", withoutEndpoints, requests))
        .contains(
            "gateway needs a permission its Role does not grant: list endpoints in shop",
            "gateway needs a permission its Role does not grant: watch endpoints in shop");

    Role withDelete = Manifests.copy(manifests.roleOf("gateway"));
    withDelete.getRules().forEach(rule -> rule.getVerbs().add("delete"));
    assertThat(Rbac.compare("gateway", withDelete, requests))
        .contains("gateway's Role grants what it never uses: delete configmaps");
  }

  @Test
  void aServiceWithoutItsSecretStopsAtStartUpSayingWhatIsMissing() throws Exception {
    assertThat(Path.of(SECRETS_MOUNT))
        .as("this machine must not have the pods' secret mount")
        .doesNotExist();
    try (ServiceJvm withoutSecret =
        start("order-service", "order-service-without-secret", "127.0.0.1", orders, null)) {
      assertThat(withoutSecret.awaitExit(START_UP)).isNotZero();
      String output = withoutSecret.output();
      assertThat(output)
          .contains("APPLICATION FAILED TO START")
          .contains("order-service has no value for its secret(s)")
          .doesNotContain("HikariPool")
          .doesNotContain("PSQLException");
      for (String key : manifests.secretMountedAt("order-service", SECRETS_MOUNT).keySet()) {
        assertThat(output).contains("the file " + SECRETS_MOUNT + "/" + key);
      }
    }
  }

  /**
   * Starts one pod of a Deployment with its Secret (the gateway has none: an empty directory): the
   * keys of the Secret mounted at {@value #SECRETS_MOUNT} are written as files where the service
   * reads them, as the kubelet does.
   */
  private static ServiceJvm pod(
      String deployment, String name, String address, int port, Database database)
      throws IOException, InterruptedException {
    return start(deployment, name, address, port, database, secretFiles(deployment, name));
  }

  /** The keys of the Secrets a Deployment mounts at /etc/shop/secrets, as files (the kubelet's). */
  private static Path secretFiles(String deployment, String name) {
    Path mount = pods.resolve(name).resolve("secrets");
    try {
      Files.createDirectories(mount);
      boolean mounts =
          Manifests.app(manifests.deployment(deployment)).getVolumeMounts().stream()
              .anyMatch(m -> SECRETS_MOUNT.equals(m.getMountPath()));
      if (mounts) {
        for (var key : manifests.secretMountedAt(deployment, SECRETS_MOUNT).entrySet()) {
          Files.writeString(mount.resolve(key.getKey()), key.getValue());
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return mount;
  }

  /**
   * Starts a JVM as a pod of a Deployment: its app container's environment from the manifests (less
   * the SkyWalking agent, which only the pod has), the test's database in place of the cluster's,
   * and {@code secrets} as the directory of the mounted Secret (none: the service's own default,
   * {@value #SECRETS_MOUNT}).
   */
  private static ServiceJvm start(
      String deployment, String name, String address, Database database, Path secrets)
      throws IOException, InterruptedException {
    return start(deployment, name, address, freePort(address), database, secrets);
  }

  private static ServiceJvm start(
      String deployment, String name, String address, int port, Database database, Path secrets)
      throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>(manifests.env(deployment));
    env.remove("JAVA_TOOL_OPTIONS");
    if (database != null) {
      assertThat(env).containsKey("SPRING_DATASOURCE_URL");
      env.put("SPRING_DATASOURCE_URL", database.jdbcUrl());
    }
    if (secrets != null) {
      env.put("SHOP_SECRETS_DIRECTORY", secrets.toString());
    }
    return startJvm(name, deployment, address, port, jvmOptions(deployment), env);
  }

  /**
   * A pod's JVM from its module's executable jar, serving on {@code address:port}: like a pod, each
   * has an address of its own (in 127.0.0.0/8) while the replicas of one Deployment share the port
   * number. Output goes to {@code target/kubernetes-it/<name>.log}.
   */
  private static ServiceJvm startJvm(
      String name,
      String module,
      String address,
      int port,
      List<String> jvmOptions,
      Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> options = new ArrayList<>();
    // Start-up speed over peak performance: these JVMs live for a minute.
    options.add("-XX:TieredStopAtLevel=1");
    options.addAll(jvmOptions);
    ServiceJvm jvm =
        new ServiceJvm(name, jar(module), Path.of("target", "kubernetes-it", name + ".log"))
            .listeningOn(address, port, freePort(address))
            .jvmOptions(options)
            .environment(env);
    jvm.start();
    return jvm;
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

  /** The pod's identity: its ServiceAccount, bound to its Role from the manifests. */
  private static List<String> jvmOptions(String deployment) {
    String account = manifests.serviceAccount(deployment);
    List<String> options = new ArrayList<>(api.jvmOptions(account, manifests.roleOf(account)));
    options.add(hostsFile());
    return options;
  }

  /**
   * A database of the test server, owned by the login role that the service's Secret names, as
   * k8s/base/postgres/init-databases.sh sets it up in the cluster.
   */
  private static Database database(String deployment) {
    Map<String, String> secret = manifests.secretMountedAt(deployment, SECRETS_MOUNT);
    String user = secret.get("spring.datasource.username");
    String password = secret.get("spring.datasource.password");
    Database admin = TestPostgres.newDatabase();
    try (Connection c =
            DriverManager.getConnection(admin.jdbcUrl(), admin.username(), admin.password());
        Statement s = c.createStatement()) {
      String name = c.getCatalog();
      s.execute(
          "DO $$ BEGIN CREATE ROLE \""
              + user
              + "\" LOGIN PASSWORD '"
              + password.replace("'", "''")
              + "'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
      s.execute("ALTER DATABASE \"" + name + "\" OWNER TO \"" + user + "\"");
    } catch (SQLException e) {
      throw new AssertionError("cannot set up the database of " + deployment, e);
    }
    return new Database(admin.jdbcUrl(), user, password);
  }

  private static String replace(String yaml, String from, String to) {
    assertThat(yaml).contains(from);
    return yaml.replace(from, to);
  }

  /** Requests for /api/inventory/items that an inventory pod has answered, from its metrics. */
  private static double servedItems(ServiceJvm pod) throws IOException, InterruptedException {
    return metrics(pod)
        .lines()
        .filter(l -> l.startsWith("http_server_requests_seconds_count{"))
        .filter(l -> l.contains("uri=\"/api/inventory/items\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** The pod's Prometheus scrape, as text. */
  private static String metrics(ServiceJvm pod) throws IOException, InterruptedException {
    URI scrape =
        URI.create("http://" + pod.address() + ":" + pod.managementPort() + "/actuator/prometheus");
    return HTTP.send(HttpRequest.newBuilder(scrape).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void getItems(int times) throws IOException, InterruptedException {
    for (int i = 0; i < times; i++) {
      HttpResponse<String> response = get("/api/inventory/items");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(gatewayUri(path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + customerToken)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> placeOrder(int quantity)
      throws IOException, InterruptedException {
    String body = "{\"lines\":[{\"sku\":\"SKU-RED-MUG\",\"quantity\":" + quantity + "}]}";
    return HTTP.send(
        HttpRequest.newBuilder(gatewayUri("/api/orders"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .header("Authorization", "Bearer " + customerToken)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI gatewayUri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }
}
