package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.env;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.str;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The load-test Job of a rendered stack replayed against its autoscalers: the Job's phases (its
 * container's LOAD_TEST_* settings, as ShopSimulation reads them) give the shoppers per second at
 * each second; the CPU each service spends per shopper, measured by bench/hpa.sh and recorded in
 * load-test/cpu-per-shopper.properties, turns that into CPU per Ready pod (a Service spreads the
 * requests over its Ready pods); each {@link Autoscaler} syncs every 15 s on the pods' mean CPU of
 * the last 15 s; a new pod is Ready after the measured start-up (longer where the pod's CPU limit
 * is below the cores it was measured with) plus the probes' periods.
 */
final class LoadTestReplay {

  /** The services whose HorizontalPodAutoscalers the load test is meant to move. */
  static final List<String> SERVICES = List.of("gateway", "order-service", "inventory-service");

  /**
   * The autoscaled workloads that the load test does not drive, each with the reason: they are not
   * replayed, and under the load test they stay at their minimum (CapacityTest counts them so).
   * Every autoscaler of a render is in one of the two lists (AutoscalingTest), so a new one is
   * classified on purpose.
   */
  static final Map<String, String> NOT_DRIVEN =
      Map.of(
          "auth-server",
          "the Job logs its few demo users in once, before the run, and every shopper reuses their"
              + " tokens; the services check tokens themselves against the JWK set they cache for"
              + " minutes, and order-service reuses its client-credentials token until it expires:"
              + " auth-server's CPU follows logins, not the shop's traffic");

  /**
   * From a scale-up to the JVM's start: scheduling, the init container copying the agent, the
   * container's start. Not measured here (no cluster); a few seconds on a node with the images.
   */
  static final int POD_START_SECONDS = 3;

  /** How long the replay goes on after the Job's traffic ends, to show the scale-down. */
  static final int TAIL_SECONDS = 15 * 60;

  /**
   * What one service costs, as measured with {@code instances} pods sharing the traffic: its idle
   * CPU (all instances together) and its CPU per shopper at each measured rate (all instances
   * together; each instance saw rate / instances shoppers a second).
   */
  record Cost(
      double idleMillicores,
      int instances,
      double[] rates,
      double[] perShopperMicros,
      double startSeconds) {

    /**
     * One pod's CPU when it serves that many shoppers a second. A JVM spends more per request at a
     * low rate (threads wake for each request instead of finding work queued), so the figure is the
     * one measured at the same rate per pod: linear between the measured rates, the nearest
     * measured figure outside them.
     */
    double podMillicores(double podShoppersPerSecond) {
      return idleMillicores / instances
          + perShopperMicros(podShoppersPerSecond) * podShoppersPerSecond / 1000;
    }

    private double perShopperMicros(double podRate) {
      double[] podRates = Arrays.stream(rates).map(r -> r / instances).toArray();
      if (podRate <= podRates[0]) {
        return perShopperMicros[0];
      }
      for (int i = 1; i < podRates.length; i++) {
        if (podRate <= podRates[i]) {
          double f = (podRate - podRates[i - 1]) / (podRates[i] - podRates[i - 1]);
          return perShopperMicros[i - 1] + f * (perShopperMicros[i] - perShopperMicros[i - 1]);
        }
      }
      return perShopperMicros[podRates.length - 1];
    }
  }

  /** load-test/cpu-per-shopper.properties: what was measured, when, where and with which agent. */
  record Figures(Properties properties, Map<String, Cost> costs) {

    /** The cores of the machine the start-up times were measured on. */
    double startCores() {
      return number(properties, "startCores");
    }

    static Path file() {
      return Renders.k8s().getParent().resolve("load-test/cpu-per-shopper.properties");
    }

    static Figures read() {
      Properties p = new Properties();
      try (Reader in = Files.newBufferedReader(file())) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      double[] rates =
          Arrays.stream(p.getProperty("rates").split(","))
              .mapToDouble(Double::parseDouble)
              .sorted()
              .toArray();
      Map<String, Cost> costs = new LinkedHashMap<>();
      for (String s : SERVICES) {
        double[] micros = new double[rates.length];
        for (int i = 0; i < rates.length; i++) {
          micros[i] = number(p, s + ".perShopperMicros." + (int) rates[i]);
        }
        costs.put(
            s,
            new Cost(
                number(p, s + ".idleMillicores"),
                (int) number(p, s + ".instances"),
                rates,
                micros,
                number(p, s + ".startSeconds")));
      }
      return new Figures(p, costs);
    }

    private static double number(Properties p, String key) {
      String value = p.getProperty(key);
      if (value == null) {
        throw new AssertionError(file() + " has no " + key);
      }
      return Double.parseDouble(value);
    }
  }

  /** The Job's phases, as ShopSimulation injects its shoppers. */
  record Phases(double rate, int ramp, int steady, double spikeFactor, int spike, int settle) {

    static Phases of(List<JsonObject> objects) {
      Workload job =
          Manifests.workloads(objects).stream()
              .filter(w -> w.kind().equals("CronJob") && w.name().equals("load-test"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no load-test CronJob in the render"));
      Map<String, String> env = env(job.containers().getFirst());
      return new Phases(
          Double.parseDouble(required(env, "LOAD_TEST_RATE")),
          Integer.parseInt(required(env, "LOAD_TEST_RAMP_SECONDS")),
          Integer.parseInt(required(env, "LOAD_TEST_STEADY_SECONDS")),
          Double.parseDouble(required(env, "LOAD_TEST_SPIKE_FACTOR")),
          Integer.parseInt(required(env, "LOAD_TEST_SPIKE_SECONDS")),
          Integer.parseInt(required(env, "LOAD_TEST_SETTLE_SECONDS")));
    }

    private static String required(Map<String, String> env, String name) {
      String value = env.get(name);
      if (value == null) {
        throw new AssertionError("the load-test Job does not set " + name);
      }
      return value;
    }

    int spikeStart() {
      return ramp + steady;
    }

    int spikeEnd() {
      return spikeStart() + 5 + spike + 5;
    }

    int end() {
      return spikeEnd() + settle;
    }

    /** Shoppers per second at second t, like ShopSimulation's injection profile. */
    double at(int t) {
      if (t < ramp) {
        return 1 + (rate - 1) * t / ramp;
      }
      if (t < spikeStart()) {
        return rate;
      }
      double spikeRate = rate * spikeFactor;
      int s = t - spikeStart();
      if (s < 5) {
        return rate + (spikeRate - rate) * s / 5;
      }
      if (s < 5 + spike) {
        return spikeRate;
      }
      if (s < 10 + spike) {
        return spikeRate - (spikeRate - rate) * (s - 5 - spike) / 5;
      }
      return t < end() ? rate : 0;
    }

    String phase(int t) {
      if (t < ramp) {
        return "ramp";
      }
      if (t < spikeStart()) {
        return "steady";
      }
      if (t < spikeEnd()) {
        return "spike";
      }
      return t < end() ? "settle" : "ended";
    }
  }

  /** What happened to one autoscaler: its pods' counts each second and its replica changes. */
  record Track(
      Autoscaler hpa, int[] replicas, int[] ready, int[] utilization, List<Change> events) {}

  record Change(int at, String text) {}

  record Result(String render, Phases phases, Map<String, Track> tracks) {}

  static Result replay(String render, List<JsonObject> objects, Figures figures) {
    Phases phases = Phases.of(objects);
    int end = phases.end() + TAIL_SECONDS;
    Map<String, Track> tracks = new LinkedHashMap<>();
    for (String service : SERVICES) {
      Cost cost = figures.costs().get(service);
      JsonObject hpa =
          ofKind(objects, "HorizontalPodAutoscaler").stream()
              .filter(h -> service.equals(str(h, "spec", "scaleTargetRef", "name")))
              .findFirst()
              .orElseThrow(() -> new AssertionError(render + ": no HPA for " + service));
      JsonObject container = appContainer(objects, service);
      long request = Quantities.millicores(str(container, "resources", "requests", "cpu"));
      int probes =
          Integer.parseInt(str(container, "startupProbe", "periodSeconds"))
              + Integer.parseInt(str(container, "readinessProbe", "periodSeconds"));
      // Start-up is CPU-bound: measured with the machine's cores, it takes longer in a pod
      // whose CPU limit is smaller.
      double cores = figures.startCores();
      double limit = Quantities.millicores(str(container, "resources", "limits", "cpu")) / 1000.0;
      int readySeconds =
          POD_START_SECONDS
              + (int) Math.ceil(cost.startSeconds() * cores / Math.min(cores, limit))
              + probes;
      Autoscaler autoscaler = new Autoscaler(Autoscaler.Spec.of(hpa, request), readySeconds);
      tracks.put(
          service,
          new Track(
              autoscaler, new int[end + 1], new int[end + 1], new int[end + 1], new ArrayList<>()));
    }
    Map<String, double[]> perReadyPod = new LinkedHashMap<>();
    tracks.keySet().forEach(s -> perReadyPod.put(s, new double[end + 1]));
    for (int t = 0; t <= end; t++) {
      double rate = phases.at(t);
      for (Map.Entry<String, Track> e : tracks.entrySet()) {
        Track track = e.getValue();
        Autoscaler hpa = track.hpa();
        Cost cost = figures.costs().get(e.getKey());
        double[] cpu = perReadyPod.get(e.getKey());
        if (t > 0 && t % Autoscaler.SYNC_SECONDS == 0) {
          int change =
              hpa.sync(
                  t,
                  (pod, from, to) -> {
                    double sum = 0;
                    for (int s = Math.max(0, from); s < to; s++) {
                      sum += cpu[s];
                    }
                    return sum / (to - Math.max(0, from));
                  });
          if (change != 0) {
            track
                .events()
                .add(
                    new Change(
                        t,
                        String.format(
                            "%s %s %d -> %d pods (CPU %d %% of the request)%s",
                            clock(t),
                            e.getKey(),
                            hpa.replicas() - change,
                            hpa.replicas(),
                            hpa.utilization(),
                            change > 0
                                ? ", Ready at " + clock(hpa.pods().getLast().readyAt())
                                : "")));
          }
        }
        long ready = Math.max(1, hpa.readyPods(t));
        cpu[t] = cost.podMillicores(rate / ready);
        track.replicas()[t] = hpa.replicas();
        track.ready()[t] = (int) hpa.readyPods(t);
        track.utilization()[t] = hpa.utilization();
      }
    }
    return new Result(render, phases, tracks);
  }

  static JsonObject appContainer(List<JsonObject> objects, String deployment) {
    JsonObject d =
        find(objects, "Deployment", deployment)
            .orElseThrow(() -> new AssertionError("no Deployment " + deployment));
    return Manifests.workloads(List.of(d)).getFirst().containers().stream()
        .filter(c -> "app".equals(str(c, "name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(deployment + " has no container app"));
  }

  /** Minute by minute: the phase, shoppers per second, and each autoscaler's pods and CPU. */
  static String timeline(Result r) {
    StringBuilder out = new StringBuilder();
    Phases p = r.phases();
    out.append(
        String.format(
            "%s with the load-test component: %s shoppers/s (ramp %d s, steady %d s, spike x%s for"
                + " %d s, settle %d s)%n",
            r.render(),
            number(p.rate()),
            p.ramp(),
            p.steady(),
            number(p.spikeFactor()),
            p.spike(),
            p.settle()));
    out.append(String.format("%-6s %-7s %10s", "time", "phase", "shoppers/s"));
    for (Map.Entry<String, Track> e : r.tracks().entrySet()) {
      Autoscaler.Spec s = e.getValue().hpa().spec();
      out.append(
          String.format(
              "  %-22s",
              e.getKey() + " " + s.min() + "-" + s.max() + " @" + s.requestMillicores() + "m"));
    }
    out.append(String.format("%n"));
    // Up to the minute after the last change (the scale-in after the run), not the whole tail.
    int lastChange =
        r.tracks().values().stream()
            .flatMap(t -> t.events().stream())
            .mapToInt(Change::at)
            .max()
            .orElse(p.end());
    int last =
        Math.min(r.tracks().values().iterator().next().replicas().length - 1, lastChange + 60);
    for (int t = 0; t <= last; t += 60) {
      out.append(String.format("%-6s %-7s %10s", clock(t), p.phase(t), number(p.at(t))));
      for (Track track : r.tracks().values()) {
        out.append(
            String.format(
                "  %-22s",
                track.replicas()[t]
                    + (track.replicas()[t] == 1 ? " pod,  " : " pods, ")
                    + track.ready()[t]
                    + " Ready, "
                    + track.utilization()[t]
                    + " %"));
      }
      out.append(String.format("%n"));
    }
    out.append("replica changes:").append(String.format("%n"));
    r.tracks().values().stream()
        .flatMap(t -> t.events().stream())
        .sorted(java.util.Comparator.comparingInt(Change::at))
        .forEach(e -> out.append("  ").append(e.text()).append(String.format("%n")));
    return out.toString()
        .lines()
        .map(String::stripTrailing)
        .collect(Collectors.joining(System.lineSeparator(), "", System.lineSeparator()));
  }

  static String clock(int t) {
    return String.format("%d:%02d", t / 60, t % 60);
  }

  private static String number(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
