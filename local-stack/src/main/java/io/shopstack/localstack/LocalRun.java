package io.shopstack.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The README's local-run command ({@code ./run-local.sh}): the stack on the README's ports, the
 * batch job on a schedule, the help a user needs to try the shop, until Ctrl-C. Settings from the
 * environment: {@code SHOP_GATEWAY_PORT} (8080), {@code SHOP_BATCH_INTERVAL} (seconds between batch
 * runs, 60), {@code SKYWALKING_AGENT_DIR} (attach that agent to every JVM; {@code
 * skywalking-collector/target/skywalking-agent} is the one the build prepares), {@code
 * SW_AGENT_COLLECTOR_BACKEND_SERVICES} (where it reports, 127.0.0.1:11800), {@code SHOP_POD_MEMORY}
 * (each JVM's memory envelope, 1g), {@code SHOP_PROJECT_DIR} (the repository, the current
 * directory).
 */
public final class LocalRun {

  private LocalRun() {}

  public static void main(String[] args) throws Exception {
    // Embedded PostgreSQL narrates every step at INFO; warnings are what a user needs here.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> env = System.getenv();
    Path projectDir =
        Path.of(env.getOrDefault("SHOP_PROJECT_DIR", ".")).toAbsolutePath().normalize();
    Path logDir = projectDir.resolve(".local-stack");
    Ports ports = Ports.defaults();
    if (env.containsKey("SHOP_GATEWAY_PORT")) {
      ports = ports.withGateway(Integer.parseInt(env.get("SHOP_GATEWAY_PORT")));
    }
    Agent agent =
        env.containsKey("SKYWALKING_AGENT_DIR")
            ? new Agent(
                Path.of(env.get("SKYWALKING_AGENT_DIR")).toAbsolutePath(),
                env.getOrDefault("SW_AGENT_COLLECTOR_BACKEND_SERVICES", "127.0.0.1:11800"),
                Map.of())
            : null;
    Duration interval =
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("SHOP_BATCH_INTERVAL", "60")));

    System.out.println("Starting the shop on 127.0.0.1 (logs in " + logDir + ") ...");
    LocalStack stack =
        LocalStack.start(
            projectDir, logDir, ports, agent, Map.of("shop.batch.reconcile-after", "30s"));
    BatchSchedule batch = BatchSchedule.every(interval, stack);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nStopping the shop ...");
                  batch.close();
                  stack.close();
                  stopped.countDown();
                },
                "local-stack-stop"));
    System.out.print(help(stack, agent, interval));
    stopped.await();
  }

  private static String help(LocalStack stack, Agent agent, Duration interval) {
    String gateway = stack.gatewayUrl();
    return """

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
        """
        .formatted(
            agent == null
                ? ""
                : " (SkyWalking agent attached, reporting to " + agent.backendServices() + ")",
            gateway,
            stack.authUrl(),
            stack.url(LocalStack.ORDER),
            stack.url(LocalStack.INVENTORY_A),
            stack.url(LocalStack.INVENTORY_B),
            stack.managementUrl(LocalStack.GATEWAY),
            stack.jdbcUrlOf("orders").replace("/orders", ""),
            gateway,
            gateway,
            gateway,
            stack.url(LocalStack.INVENTORY_A),
            interval.toSeconds(),
            stack.startupCacheSummary());
  }
}
