import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The load part of bench/run.sh, run with the JDK's source launcher: {@code java Bench.java
 * GATEWAY_URL INVENTORY_URL}. Open-model phases send at a fixed rate and time each request from
 * the moment it was due, so a slow server cannot hide its latency by slowing the sender
 * (coordinated omission); closed-model phases keep N requests in flight and count answers.
 */
public class Bench {

  static final String SKU = "SKU-RED-MUG";
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  // Access tokens that bench/run.sh got with ./shop-token.sh, as a client would: a customer's for
  // the orders (and the token-carrying reads), the operator's for the restock.
  static final String TOKEN = System.getenv("BENCH_TOKEN");
  static final String OPERATOR_TOKEN = System.getenv("BENCH_OPERATOR_TOKEN");
  static final double P99_LIMIT_MS = 100;

  static HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  record Result(String label, long ok, long errors, double seconds, long[] sortedNanos) {
    double rate() {
      return (ok + errors) / seconds;
    }

    double percentileMs(double p) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(p / 100 * sortedNanos.length) - 1;
      return sortedNanos[Math.max(0, index)] / 1e6;
    }

    boolean passes() {
      return errors == 0 && percentileMs(99) < P99_LIMIT_MS;
    }

    String line() {
      return String.format(
          "%-34s %8.1f req/s  ok %7d  errors %4d  p50 %7.1f ms  p99 %7.1f ms",
          label, rate(), ok, errors, percentileMs(50), percentileMs(99));
    }
  }

  public static void main(String[] args) throws Exception {
    String gateway = args[0];
    // One or more inventory-service instances, comma-separated; the first is "one instance".
    List<String> inventories = List.of(args[1].split(","));
    String inventory = inventories.get(0);
    // The launcher's and PostgreSQL's process ids (optional): then the gateway-cost phase also
    // prints the CPU time each process of the stack, and this load generator, spent per request.
    long stackPid = args.length > 2 ? Long.parseLong(args[2]) : -1;
    long postgresPid = args.length > 3 ? Long.parseLong(args[3]) : -1;
    // A plain reverse proxy over the same two instances (optional: URL and master process id),
    // the reference the gateway's added cost is measured against in the same run.
    String nginx = args.length > 4 ? args[4] : null;
    long nginxPid = args.length > 5 ? Long.parseLong(args[5]) : -1;
    Supplier<HttpRequest> order = () -> order(gateway);
    if (TOKEN == null || OPERATOR_TOKEN == null) {
      throw new IllegalStateException("BENCH_TOKEN and BENCH_OPERATOR_TOKEN are needed (bench/run.sh)");
    }
    Supplier<HttpRequest> readViaGateway = () -> get(gateway + "/api/inventory/items/" + SKU);
    // The same public read with a shopper's token: the gateway validates it, and so does the
    // inventory instance it is relayed to. The difference to the read without one is what JWT
    // validation costs.
    Supplier<HttpRequest> readViaGatewayWithToken =
        () ->
            HttpRequest.newBuilder(URI.create(gateway + "/api/inventory/items/" + SKU))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + TOKEN)
                .GET()
                .build();
    Supplier<HttpRequest> readDirect = () -> get(inventory + "/api/inventory/items/" + SKU);

    restock(inventory);
    System.out.println("== warm-up (30 s: orders and reads, gateway and direct)");
    openRate("warm-up orders", order, 201, 40, 15);
    closed("warm-up reads via gateway", readViaGateway, 8, 8);
    closed("warm-up reads direct", readDirect, 8, 7);

    System.out.println("\n== order flow (POST /api/orders via the gateway, open model)");
    System.out.println("search: 10 s probes at rising rates; the best is then held 60 s");
    List<Integer> passing = new ArrayList<>();
    for (int rate : new int[] {50, 100, 150, 175, 200, 250, 300, 400}) {
      Result probe = openRate("probe " + rate + "/s", order, 201, rate, 10);
      System.out.println(probe.line() + (probe.passes() ? "" : "  <- p99 >= 100 ms or errors"));
      if (!probe.passes()) {
        break;
      }
      passing.add(rate);
    }
    Integer held = null;
    for (int i = passing.size() - 1; i >= 0 && i >= passing.size() - 2; i--) {
      Result hold = openRate("hold " + passing.get(i) + "/s for 60 s", order, 201, passing.get(i), 60);
      System.out.println(hold.line() + (hold.passes() ? "  PASS" : "  FAIL"));
      if (hold.passes()) {
        held = passing.get(i);
        break;
      }
    }
    System.out.println(
        "RESULT highest order rate held 60 s with p99 < 100 ms and no errors: "
            + (held == null ? "none of the probed rates" : held + " req/s"));
    Result fixed = openRate("fixed 50/s for 30 s", order, 201, 50, 30);
    System.out.println(fixed.line());
    System.out.printf(
        "RESULT order flow at 50 req/s: p50 %.1f ms, p99 %.1f ms, errors %d%n",
        fixed.percentileMs(50), fixed.percentileMs(99), fixed.errors());

    // All paths saturated (64 in flight, the plateau of the concurrency steps below): with fewer
    // in flight the ratio measures the gateway's added latency rather than its throughput. Each
    // path first runs 20 s, so that all are measured with their code compiled (the gateway's proxy
    // path is still getting faster at first), then each is measured twice, in turn.
    //
    // The ratio compares the gateway with inventory-service reached directly over the same two
    // instances the gateway spreads the reads over (round robin here, as a Kubernetes Service
    // would); one instance alone is measured too, and its ratio printed, because it is cheaper
    // per request on a shared 2-core machine (one JVM instead of two taking turns on the cores).
    System.out.println(
        "\n== gateway cost (GET /api/inventory/items/"
            + SKU
            + ", 64 in flight; 20 s each to warm up, then 2 x 15 s each in turn)");
    AtomicLong turn = new AtomicLong();
    Map<String, Supplier<HttpRequest>> paths = new LinkedHashMap<>();
    paths.put("via gateway :8080", readViaGateway);
    paths.put("via gateway, with token", readViaGatewayWithToken);
    if (nginx != null) {
      paths.put("via nginx (plain proxy)", () -> get(nginx + "/api/inventory/items/" + SKU));
    }
    paths.put(
        "direct, both instances",
        () ->
            get(
                inventories.get((int) (turn.getAndIncrement() % inventories.size()))
                    + "/api/inventory/items/"
                    + SKU));
    paths.put("direct, one instance", readDirect);
    for (Map.Entry<String, Supplier<HttpRequest>> path : paths.entrySet()) {
      closed("warm-up " + path.getKey(), path.getValue(), 64, 20);
    }
    CpuMeter cpu = new CpuMeter(stackPid, postgresPid, nginxPid);
    Map<String, long[]> requests = new LinkedHashMap<>();
    Map<String, double[]> seconds = new LinkedHashMap<>();
    Map<String, Map<String, Double>> cpuSeconds = new LinkedHashMap<>();
    for (int round = 0; round < 2; round++) {
      for (Map.Entry<String, Supplier<HttpRequest>> path : paths.entrySet()) {
        Map<String, Long> before = cpu.sample();
        Result result = closed(path.getKey(), path.getValue(), 64, 15);
        addCpu(cpuSeconds.computeIfAbsent(path.getKey(), k -> new TreeMap<>()), before, cpu.sample());
        requests.computeIfAbsent(path.getKey(), k -> new long[1])[0] +=
            result.ok() + result.errors();
        seconds.computeIfAbsent(path.getKey(), k -> new double[1])[0] += result.seconds();
        System.out.println(result.line());
      }
    }
    Map<String, Double> rates = new LinkedHashMap<>();
    requests.forEach((path, n) -> rates.put(path, n[0] / seconds.get(path)[0]));
    if (stackPid >= 0) {
      System.out.println("CPU per request (us; utime + stime of each process, both rounds)");
      System.out.printf("%-26s", "process");
      paths.keySet().forEach(path -> System.out.printf(" %24s", path));
      System.out.println();
      TreeMap<String, Double> names = new TreeMap<>();
      cpuSeconds.values().forEach(m -> m.forEach(names::putIfAbsent));
      for (String name : names.keySet()) {
        System.out.printf("%-26s", name);
        for (String path : paths.keySet()) {
          double used = cpuSeconds.get(path).getOrDefault(name, 0.0);
          System.out.printf(" %24.0f", used * 1e6 / requests.get(path)[0]);
        }
        System.out.println();
      }
      System.out.printf("%-26s", "all");
      for (String path : paths.keySet()) {
        double used = cpuSeconds.get(path).values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(" %24.0f", used * 1e6 / requests.get(path)[0]);
      }
      System.out.println();
    }
    if (stackPid >= 0) {
      // What validating the token costs, per read: the gateway's and the inventory instances' CPU
      // with the token less without it, measured in the same run.
      double gatewayWith = perRequest(cpuSeconds, requests, "via gateway, with token", "gateway");
      double gatewayWithout = perRequest(cpuSeconds, requests, "via gateway :8080", "gateway");
      double inventoryWith =
          perRequest(cpuSeconds, requests, "via gateway, with token", "inventory-service");
      double inventoryWithout =
          perRequest(cpuSeconds, requests, "via gateway :8080", "inventory-service");
      System.out.printf(
          "RESULT JWT validation per read: gateway %.0f us with a token, %.0f us without (+%.0f);"
              + " inventory-service %.0f / %.0f us (+%.0f)%n",
          gatewayWith,
          gatewayWithout,
          gatewayWith - gatewayWithout,
          inventoryWith,
          inventoryWithout,
          inventoryWith - inventoryWithout);
    }
    double via = rates.get("via gateway :8080");
    double direct = rates.get("direct, both instances");
    System.out.printf(
        "ratio against one instance alone: %.2f (%.1f / %.1f req/s)%n",
        via / rates.get("direct, one instance"), via, rates.get("direct, one instance"));
    System.out.printf(
        "RESULT gateway throughput ratio: %.2f (%.1f / %.1f req/s, direct over both instances)%n",
        via / direct, via, direct);
    if (nginx != null) {
      // With every path saturating the machine, 1 / rate is the machine time per request (over
      // all cores); what a proxy adds is its path's time less the direct path's.
      double proxy = rates.get("via nginx (plain proxy)");
      double gatewayAdds = 1e6 / via - 1e6 / direct;
      double nginxAdds = 1e6 / proxy - 1e6 / direct;
      System.out.printf(
          "nginx throughput ratio: %.2f (%.1f req/s)%n", proxy / direct, proxy);
      System.out.printf(
          "RESULT added time per request (machine time / %d cores): gateway %.1f us, nginx %.1f"
              + " us, gateway / nginx %.2f%n",
          Runtime.getRuntime().availableProcessors(),
          gatewayAdds,
          nginxAdds,
          gatewayAdds / nginxAdds);
    }

    System.out.println("\n== concurrency through the gateway (same read, 10 s each)");
    long totalErrors = 0;
    for (int connections : new int[] {32, 64, 128}) {
      Result r = closed(connections + " concurrent", readViaGateway, connections, 10);
      System.out.println(r.line());
      totalErrors += r.errors();
    }
    System.out.println("RESULT errors at 32/64/128 concurrent: " + totalErrors);
  }

  /**
   * CPU time (utime + stime from /proc, Linux) of the stack's processes, grouped by what they are:
   * each service JVM by its jar and port, PostgreSQL's processes together, and this load generator.
   */
  static final class CpuMeter {
    private final long stackPid;
    private final long postgresPid;
    private final long nginxPid;

    CpuMeter(long stackPid, long postgresPid, long nginxPid) {
      this.stackPid = stackPid;
      this.postgresPid = postgresPid;
      this.nginxPid = nginxPid;
    }

    Map<String, Long> sample() {
      Map<String, Long> ticks = new TreeMap<>();
      if (stackPid < 0) {
        return ticks;
      }
      List<ProcessHandle> processes = new ArrayList<>();
      ProcessHandle.of(stackPid).ifPresent(p -> p.descendants().forEach(processes::add));
      processes.add(ProcessHandle.current());
      // PostgreSQL runs detached from the launcher (pg_ctl): its server and the server's children.
      List<ProcessHandle> postgres = withDescendants(postgresPid);
      processes.addAll(postgres);
      // nginx: its master process and the workers.
      List<ProcessHandle> nginx = withDescendants(nginxPid);
      processes.addAll(nginx);
      for (ProcessHandle process : processes) {
        String name =
            postgres.contains(process)
                ? "postgresql"
                : nginx.contains(process) ? "nginx" : name(process);
        long used = ticks(process.pid());
        if (name != null && used >= 0) {
          ticks.merge(name, used, Long::sum);
        }
      }
      return ticks;
    }

    private static List<ProcessHandle> withDescendants(long pid) {
      List<ProcessHandle> all = new ArrayList<>();
      ProcessHandle.of(pid)
          .ifPresent(
              p -> {
                all.add(p);
                p.descendants().forEach(all::add);
              });
      return all;
    }

    private static String name(ProcessHandle process) {
      if (process.pid() == ProcessHandle.current().pid()) {
        return "load generator";
      }
      try {
        String commandLine =
            new String(Files.readAllBytes(Path.of("/proc/" + process.pid() + "/cmdline")))
                .replace('\0', ' ');
        for (String module : List.of("gateway", "order-service", "inventory-service")) {
          if (commandLine.contains(module + ".jar")) {
            int at = commandLine.indexOf("--server.port=");
            return at < 0 ? module : module + " :" + commandLine.substring(at + 14).split(" ")[0];
          }
        }
        return null;
      } catch (IOException gone) {
        return null;
      }
    }

    private static long ticks(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      } catch (IOException | RuntimeException gone) {
        return -1;
      }
    }
  }

  /** Clock ticks per second of /proc/<pid>/stat's times on Linux. */
  static final double USER_HZ = 100;

  static void addCpu(Map<String, Double> total, Map<String, Long> from, Map<String, Long> to) {
    to.forEach(
        (name, ticks) -> {
          long delta = ticks - from.getOrDefault(name, ticks);
          total.merge(name, delta / USER_HZ, Double::sum);
        });
  }

  /** CPU microseconds per request of the processes whose name starts with {@code process}. */
  static double perRequest(
      Map<String, Map<String, Double>> cpuSeconds,
      Map<String, long[]> requests,
      String path,
      String process) {
    double used =
        cpuSeconds.get(path).entrySet().stream()
            .filter(e -> e.getKey().startsWith(process))
            .mapToDouble(Map.Entry::getValue)
            .sum();
    return used * 1e6 / requests.get(path)[0];
  }

  static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
  }

  static HttpRequest order(String gateway) {
    return HttpRequest.newBuilder(URI.create(gateway + "/api/orders"))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .header("Authorization", "Bearer " + TOKEN)
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1}]}"))
        .build();
  }

  /**
   * Enough stock that orders never run out during the run (they would become 409s): half a billion
   * units added through inventory's internal API (stock is only ever adjusted, never set).
   */
  static void restock(String inventory) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        inventory
                            + "/internal/inventory/items/"
                            + SKU
                            + "/adjustments/"
                            + UUID.randomUUID()))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + OPERATOR_TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"change\":500000000}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // 409: the item already has more than half of the maximum, plenty for any run.
    if (response.statusCode() != 201 && response.statusCode() != 409) {
      throw new IllegalStateException("restock answered " + response.statusCode());
    }
  }

  /** Sends {@code rate} requests a second for {@code seconds}, whatever the answers take. */
  static Result openRate(
      String label, Supplier<HttpRequest> request, int expected, int rate, int seconds)
      throws InterruptedException {
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long total = (long) rate * seconds;
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
      for (long i = 0; i < total; i++) {
        long due = start + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        senders.submit(() -> send(request.get(), expected, due, latencies, ok, errors));
      }
    }
    return result(label, ok, errors, (System.nanoTime() - start) / 1e9, latencies);
  }

  /** Keeps {@code inFlight} requests outstanding for {@code seconds}. */
  static Result closed(String label, Supplier<HttpRequest> request, int inFlight, int seconds)
      throws InterruptedException {
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < inFlight; i++) {
        workers.submit(
            () -> {
              while (System.nanoTime() < end) {
                send(request.get(), 200, System.nanoTime(), latencies, ok, errors);
              }
            });
      }
    }
    return result(label, ok, errors, (System.nanoTime() - start) / 1e9, latencies);
  }

  static void send(
      HttpRequest request,
      int expected,
      long due,
      ConcurrentLinkedQueue<Long> latencies,
      AtomicLong ok,
      AtomicLong errors) {
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      latencies.add(System.nanoTime() - due);
      if (response.statusCode() == expected) {
        ok.incrementAndGet();
      } else {
        errors.incrementAndGet();
      }
    } catch (Exception e) {
      latencies.add(System.nanoTime() - due);
      errors.incrementAndGet();
    }
  }

  static Result result(
      String label,
      AtomicLong ok,
      AtomicLong errors,
      double seconds,
      ConcurrentLinkedQueue<Long> latencies) {
    long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new Result(label, ok.get(), errors.get(), seconds, sorted);
  }
}
