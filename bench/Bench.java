import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    String inventory = args[1];
    Supplier<HttpRequest> order = () -> order(gateway);
    Supplier<HttpRequest> readViaGateway = () -> get(gateway + "/api/inventory/items/" + SKU);
    Supplier<HttpRequest> readDirect = () -> get(inventory + "/api/inventory/items/" + SKU);

    restock(gateway);
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

    // Both sides saturated (64 in flight, the plateau of the concurrency steps below): with fewer
    // in flight the ratio measures the gateway's added latency rather than its throughput.
    System.out.println(
        "\n== gateway cost (GET /api/inventory/items/" + SKU + ", 64 in flight, 15 s each)");
    Result viaGateway = closed("via gateway :8080", readViaGateway, 64, 15);
    Result direct = closed("direct inventory :8082", readDirect, 64, 15);
    System.out.println(viaGateway.line());
    System.out.println(direct.line());
    System.out.printf(
        "RESULT gateway throughput ratio: %.2f (%.1f / %.1f req/s)%n",
        viaGateway.rate() / direct.rate(), viaGateway.rate(), direct.rate());

    System.out.println("\n== concurrency through the gateway (same read, 10 s each)");
    long totalErrors = 0;
    for (int connections : new int[] {32, 64, 128}) {
      Result r = closed(connections + " concurrent", readViaGateway, connections, 10);
      System.out.println(r.line());
      totalErrors += r.errors();
    }
    System.out.println("RESULT errors at 32/64/128 concurrent: " + totalErrors);
  }

  static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
  }

  static HttpRequest order(String gateway) {
    return HttpRequest.newBuilder(URI.create(gateway + "/api/orders"))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"lines\":[{\"sku\":\"" + SKU + "\",\"quantity\":1}]}"))
        .build();
  }

  /** Enough stock that orders never run out during the run (they would become 409s). */
  static void restock(String gateway) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(gateway + "/api/inventory/items/" + SKU + "/stock"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"available\":1000000000}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
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
