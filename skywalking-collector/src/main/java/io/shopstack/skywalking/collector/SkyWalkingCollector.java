package io.shopstack.skywalking.collector;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.skywalking.apm.network.common.v3.Commands;
import org.apache.skywalking.apm.network.common.v3.KeyStringValuePair;
import org.apache.skywalking.apm.network.event.v3.Event;
import org.apache.skywalking.apm.network.event.v3.EventServiceGrpc;
import org.apache.skywalking.apm.network.language.agent.v3.ConfigurationDiscoveryServiceGrpc;
import org.apache.skywalking.apm.network.language.agent.v3.ConfigurationSyncRequest;
import org.apache.skywalking.apm.network.language.agent.v3.JVMMetricCollection;
import org.apache.skywalking.apm.network.language.agent.v3.JVMMetricReportServiceGrpc;
import org.apache.skywalking.apm.network.language.agent.v3.MeterData;
import org.apache.skywalking.apm.network.language.agent.v3.MeterDataCollection;
import org.apache.skywalking.apm.network.language.agent.v3.MeterReportServiceGrpc;
import org.apache.skywalking.apm.network.language.agent.v3.SegmentCollection;
import org.apache.skywalking.apm.network.language.agent.v3.SegmentObject;
import org.apache.skywalking.apm.network.language.agent.v3.TraceSegmentReportServiceGrpc;
import org.apache.skywalking.apm.network.language.profile.v3.ProfileTaskCommandQuery;
import org.apache.skywalking.apm.network.language.profile.v3.ProfileTaskFinishReport;
import org.apache.skywalking.apm.network.language.profile.v3.ProfileTaskGrpc;
import org.apache.skywalking.apm.network.language.profile.v3.ThreadSnapshot;
import org.apache.skywalking.apm.network.logging.v3.LogData;
import org.apache.skywalking.apm.network.logging.v3.LogReportServiceGrpc;
import org.apache.skywalking.apm.network.management.v3.InstancePingPkg;
import org.apache.skywalking.apm.network.management.v3.InstanceProperties;
import org.apache.skywalking.apm.network.management.v3.ManagementServiceGrpc;

/**
 * A stand-in for SkyWalking OAP's gRPC receiver, for tests: it answers the services a Java agent
 * calls (management, JVM metrics, meters, trace segments, logs, configuration discovery, events,
 * profile tasks) with empty command lists and records everything it receives. It binds to 127.0.0.1
 * on a free port; point {@code SW_AGENT_COLLECTOR_BACKEND_SERVICES} at {@link #backendAddress()}.
 */
public final class SkyWalkingCollector implements AutoCloseable {

  /** A service instance as its agent registered it: the properties of its last report. */
  public record Instance(String service, String name, Map<String, String> properties) {}

  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final List<InstancePingPkg> keepAlives = new CopyOnWriteArrayList<>();
  private final List<JVMMetricCollection> jvmMetrics = new CopyOnWriteArrayList<>();
  private final List<MeterData> meters = new CopyOnWriteArrayList<>();
  private final List<SegmentObject> segments = new CopyOnWriteArrayList<>();
  private final List<LogData> logs = new CopyOnWriteArrayList<>();
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<ConfigurationSyncRequest> configurationFetches = new CopyOnWriteArrayList<>();
  private Server server;

  private SkyWalkingCollector() {}

  /** Starts a collector on 127.0.0.1 and a free port. */
  public static SkyWalkingCollector start() throws IOException {
    return start(0);
  }

  /** Starts a collector on 127.0.0.1 and the given port (0: a free one). */
  public static SkyWalkingCollector start(int port) throws IOException {
    SkyWalkingCollector collector = new SkyWalkingCollector();
    collector.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .addService(collector.management())
            .addService(collector.jvmMetricReports())
            .addService(collector.meterReports())
            .addService(collector.segmentReports())
            .addService(collector.logReports())
            .addService(collector.configurationDiscovery())
            .addService(collector.eventReports())
            .addService(collector.profileTasks())
            .build()
            .start();
    return collector;
  }

  /**
   * Runs a collector on 127.0.0.1 and the port given as the only argument (default 11800) until the
   * process is stopped, so that agents attached to a benchmark's JVMs have an OAP to report to
   * (bench/run.sh with {@code BENCH_AGENT=local}). It keeps what it receives, like the tests' one.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    SkyWalkingCollector collector = start(args.length > 0 ? Integer.parseInt(args[0]) : 11800);
    Runtime.getRuntime().addShutdownHook(new Thread(collector::close));
    System.out.println("SkyWalking collector listening on " + collector.backendAddress());
    collector.server.awaitTermination();
  }

  /** The {@code host:port} for {@code SW_AGENT_COLLECTOR_BACKEND_SERVICES}. */
  public String backendAddress() {
    InetSocketAddress address = (InetSocketAddress) server.getListenSockets().getFirst();
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /** The names of every service that registered an instance. */
  public Set<String> services() {
    Set<String> names = new TreeSet<>();
    instances.values().forEach(instance -> names.add(instance.service()));
    return names;
  }

  public List<Instance> instances() {
    return List.copyOf(instances.values());
  }

  public Optional<Instance> instance(String service, String name) {
    return Optional.ofNullable(instances.get(key(service, name)));
  }

  public List<InstancePingPkg> keepAlives() {
    return List.copyOf(keepAlives);
  }

  /** JVM metric reports of one instance. */
  public List<JVMMetricCollection> jvmMetrics(String service, String instance) {
    return select(jvmMetrics, m -> m.getService().equals(service)).stream()
        .filter(m -> m.getServiceInstance().equals(instance))
        .toList();
  }

  /**
   * Meter values, each carrying its service and instance (the agent names them only in the first
   * message of a stream; the collector fills them in on the rest, as OAP does).
   */
  public List<MeterData> meters(String service) {
    return select(meters, m -> m.getService().equals(service));
  }

  public List<SegmentObject> segments(String service) {
    return select(segments, s -> s.getService().equals(service));
  }

  public List<SegmentObject> segments() {
    return List.copyOf(segments);
  }

  /**
   * The log lines a service's agent sent (apm-toolkit's logback appender, activated by the official
   * agent), each with its trace context when it was logged inside a trace.
   */
  public List<LogData> logs(String service) {
    return select(logs, l -> l.getService().equals(service));
  }

  public List<Event> events(String service) {
    return select(events, e -> e.getSource().getService().equals(service));
  }

  public List<ConfigurationSyncRequest> configurationFetches() {
    return List.copyOf(configurationFetches);
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> List<T> select(List<T> all, Predicate<T> condition) {
    return all.stream().filter(condition).toList();
  }

  private static String key(String service, String instance) {
    return service + "\n" + instance;
  }

  private void register(InstanceProperties report) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (KeyStringValuePair pair : report.getPropertiesList()) {
      // The agent sends one pair per IPv4 address under the same key: keep them all.
      properties.merge(pair.getKey(), pair.getValue(), (a, b) -> a + "," + b);
    }
    instances.put(
        key(report.getService(), report.getServiceInstance()),
        new Instance(report.getService(), report.getServiceInstance(), Map.copyOf(properties)));
  }

  // The gRPC services: each records what it receives and answers an empty command list.

  private static void answer(StreamObserver<Commands> response) {
    response.onNext(Commands.getDefaultInstance());
    response.onCompleted();
  }

  /** A client stream: every message goes to {@code sink}, one empty answer at the end. */
  private static <T> StreamObserver<T> stream(StreamObserver<Commands> response, Consumer<T> sink) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        sink.accept(value);
      }

      @Override
      public void onError(Throwable t) {
        // The agent cancelled its stream (it is shutting down): nothing to answer.
      }

      @Override
      public void onCompleted() {
        answer(response);
      }
    };
  }

  ManagementServiceGrpc.ManagementServiceImplBase management() {
    return new ManagementServiceGrpc.ManagementServiceImplBase() {
      @Override
      public void reportInstanceProperties(
          InstanceProperties request, StreamObserver<Commands> response) {
        register(request);
        answer(response);
      }

      @Override
      public void keepAlive(InstancePingPkg request, StreamObserver<Commands> response) {
        keepAlives.add(request);
        answer(response);
      }
    };
  }

  JVMMetricReportServiceGrpc.JVMMetricReportServiceImplBase jvmMetricReports() {
    return new JVMMetricReportServiceGrpc.JVMMetricReportServiceImplBase() {
      @Override
      public void collect(JVMMetricCollection request, StreamObserver<Commands> response) {
        jvmMetrics.add(request);
        answer(response);
      }
    };
  }

  MeterReportServiceGrpc.MeterReportServiceImplBase meterReports() {
    return new MeterReportServiceGrpc.MeterReportServiceImplBase() {
      @Override
      public StreamObserver<MeterData> collect(StreamObserver<Commands> response) {
        MeterSource source = new MeterSource();
        return stream(response, meter -> meters.add(source.complete(meter)));
      }

      @Override
      public StreamObserver<MeterDataCollection> collectBatch(StreamObserver<Commands> response) {
        MeterSource source = new MeterSource();
        return stream(
            response,
            batch -> batch.getMeterDataList().forEach(m -> meters.add(source.complete(m))));
      }
    };
  }

  TraceSegmentReportServiceGrpc.TraceSegmentReportServiceImplBase segmentReports() {
    return new TraceSegmentReportServiceGrpc.TraceSegmentReportServiceImplBase() {
      @Override
      public StreamObserver<SegmentObject> collect(StreamObserver<Commands> response) {
        return stream(response, segments::add);
      }

      @Override
      public void collectInSync(SegmentCollection request, StreamObserver<Commands> response) {
        segments.addAll(request.getSegmentsList());
        answer(response);
      }
    };
  }

  ConfigurationDiscoveryServiceGrpc.ConfigurationDiscoveryServiceImplBase configurationDiscovery() {
    return new ConfigurationDiscoveryServiceGrpc.ConfigurationDiscoveryServiceImplBase() {
      @Override
      public void fetchConfigurations(
          ConfigurationSyncRequest request, StreamObserver<Commands> response) {
        configurationFetches.add(request);
        answer(response);
      }
    };
  }

  EventServiceGrpc.EventServiceImplBase eventReports() {
    return new EventServiceGrpc.EventServiceImplBase() {
      @Override
      public StreamObserver<Event> collect(StreamObserver<Commands> response) {
        return stream(response, events::add);
      }
    };
  }

  /** No profiling here; answering keeps the agent's periodic task query from logging errors. */
  ProfileTaskGrpc.ProfileTaskImplBase profileTasks() {
    return new ProfileTaskGrpc.ProfileTaskImplBase() {
      @Override
      public void getProfileTaskCommands(
          ProfileTaskCommandQuery request, StreamObserver<Commands> response) {
        answer(response);
      }

      @Override
      public StreamObserver<ThreadSnapshot> collectSnapshot(StreamObserver<Commands> response) {
        return stream(response, snapshot -> {});
      }

      @Override
      public void reportTaskFinish(
          ProfileTaskFinishReport request, StreamObserver<Commands> response) {
        answer(response);
      }
    };
  }

  LogReportServiceGrpc.LogReportServiceImplBase logReports() {
    return new LogReportServiceGrpc.LogReportServiceImplBase() {
      @Override
      public StreamObserver<LogData> collect(StreamObserver<Commands> response) {
        LogSource source = new LogSource();
        return stream(response, log -> logs.add(source.complete(log)));
      }
    };
  }

  /**
   * Like {@link MeterSource} for logs: OAP's protocol lets the lines after the first of a stream
   * leave out the service and instance.
   */
  private static final class LogSource {
    private String service = "";
    private String instance = "";

    LogData complete(LogData log) {
      if (!log.getService().isEmpty()) {
        service = log.getService();
        instance = log.getServiceInstance();
        return log;
      }
      return log.toBuilder().setService(service).setServiceInstance(instance).build();
    }
  }

  /** Remembers the service and instance named by the first meter of a stream. */
  private static final class MeterSource {
    private String service = "";
    private String instance = "";

    MeterData complete(MeterData meter) {
      if (!meter.getService().isEmpty()) {
        service = meter.getService();
        instance = meter.getServiceInstance();
        return meter;
      }
      return meter.toBuilder().setService(service).setServiceInstance(instance).build();
    }
  }

  /** For {@link #toString()}: what has been received so far, to explain a failed assertion. */
  @Override
  public String toString() {
    List<String> lines = new ArrayList<>();
    lines.add("SkyWalkingCollector on " + backendAddress() + ":");
    instances
        .values()
        .forEach(
            i ->
                lines.add(
                    "  %s/%s: %d JVM metric reports, %d meters, %d segments, %d log lines, %d events"
                        .formatted(
                            i.service(),
                            i.name(),
                            jvmMetrics(i.service(), i.name()).size(),
                            meters(i.service()).size(),
                            segments(i.service()).size(),
                            logs(i.service()).size(),
                            events(i.service()).size())));
    return String.join("\n", lines);
  }
}
