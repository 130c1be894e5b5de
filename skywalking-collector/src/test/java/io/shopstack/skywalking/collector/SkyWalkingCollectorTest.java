package io.shopstack.skywalking.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.skywalking.apm.network.common.v3.Commands;
import org.apache.skywalking.apm.network.common.v3.KeyStringValuePair;
import org.apache.skywalking.apm.network.event.v3.Event;
import org.apache.skywalking.apm.network.event.v3.EventServiceGrpc;
import org.apache.skywalking.apm.network.event.v3.Source;
import org.apache.skywalking.apm.network.language.agent.v3.ConfigurationDiscoveryServiceGrpc;
import org.apache.skywalking.apm.network.language.agent.v3.ConfigurationSyncRequest;
import org.apache.skywalking.apm.network.language.agent.v3.JVMMetric;
import org.apache.skywalking.apm.network.language.agent.v3.JVMMetricCollection;
import org.apache.skywalking.apm.network.language.agent.v3.JVMMetricReportServiceGrpc;
import org.apache.skywalking.apm.network.language.agent.v3.MeterData;
import org.apache.skywalking.apm.network.language.agent.v3.MeterReportServiceGrpc;
import org.apache.skywalking.apm.network.language.agent.v3.MeterSingleValue;
import org.apache.skywalking.apm.network.language.agent.v3.SegmentObject;
import org.apache.skywalking.apm.network.language.agent.v3.TraceSegmentReportServiceGrpc;
import org.apache.skywalking.apm.network.logging.v3.LogData;
import org.apache.skywalking.apm.network.logging.v3.LogDataBody;
import org.apache.skywalking.apm.network.logging.v3.LogReportServiceGrpc;
import org.apache.skywalking.apm.network.logging.v3.TextLog;
import org.apache.skywalking.apm.network.logging.v3.TraceContext;
import org.apache.skywalking.apm.network.management.v3.InstancePingPkg;
import org.apache.skywalking.apm.network.management.v3.InstanceProperties;
import org.apache.skywalking.apm.network.management.v3.ManagementServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gRPC client plays the agent: it calls each service of the OAP protocol the way the Java agent
 * does (unary calls for management, JVM metrics and configuration; client streams for meters,
 * segments and events), and the collector must record every message under the right service and
 * instance.
 */
class SkyWalkingCollectorTest {

  private SkyWalkingCollector collector;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    collector = SkyWalkingCollector.start();
    channel = NettyChannelBuilder.forTarget(collector.backendAddress()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    collector.close();
  }

  @Test
  void listensOnLoopbackOnly() {
    assertThat(collector.backendAddress()).matches("127\\.0\\.0\\.1:[1-9][0-9]*");
  }

  @Test
  void recordsAnInstanceWithItsPropertiesAndKeepAlives() {
    ManagementServiceGrpc.ManagementServiceBlockingStub management =
        ManagementServiceGrpc.newBlockingStub(channel);

    management.reportInstanceProperties(
        InstanceProperties.newBuilder()
            .setService("order-service")
            .setServiceInstance("order-1")
            .addProperties(pair("language", "java"))
            .addProperties(pair("ipv4", "10.0.0.1"))
            .addProperties(pair("ipv4", "10.0.0.2"))
            .build());
    management.keepAlive(
        InstancePingPkg.newBuilder()
            .setService("order-service")
            .setServiceInstance("order-1")
            .build());

    assertThat(collector.services()).containsExactly("order-service");
    SkyWalkingCollector.Instance instance =
        collector.instance("order-service", "order-1").orElseThrow();
    assertThat(instance.properties())
        .containsEntry("language", "java")
        .containsEntry("ipv4", "10.0.0.1,10.0.0.2");
    assertThat(collector.instance("order-service", "order-2")).isEmpty();
    assertThat(collector.keepAlives()).hasSize(1);
  }

  @Test
  void recordsJvmMetricsPerInstance() {
    JVMMetricReportServiceGrpc.JVMMetricReportServiceBlockingStub jvm =
        JVMMetricReportServiceGrpc.newBlockingStub(channel);

    jvm.collect(jvmMetrics("gateway", "gw-1"));
    jvm.collect(jvmMetrics("gateway", "gw-1"));
    jvm.collect(jvmMetrics("gateway", "gw-2"));

    assertThat(collector.jvmMetrics("gateway", "gw-1")).hasSize(2);
    assertThat(collector.jvmMetrics("gateway", "gw-2")).hasSize(1);
    assertThat(collector.jvmMetrics("order-service", "gw-1")).isEmpty();
  }

  @Test
  void namesTheServiceOfEveryMeterOfAStreamAfterTheFirst() {
    Commands answer =
        sendStream(
            MeterReportServiceGrpc.newStub(channel)::collect,
            MeterData.newBuilder()
                .setService("inventory-service")
                .setServiceInstance("inv-a")
                .setSingleValue(
                    MeterSingleValue.newBuilder().setName("shop_reservations").setValue(1))
                .build(),
            MeterData.newBuilder()
                .setSingleValue(MeterSingleValue.newBuilder().setName("shop_stock").setValue(7))
                .build());

    assertThat(answer).isEqualTo(Commands.getDefaultInstance());
    assertThat(collector.meters("inventory-service"))
        .extracting(m -> m.getSingleValue().getName() + "@" + m.getServiceInstance())
        .containsExactly("shop_reservations@inv-a", "shop_stock@inv-a");
  }

  @Test
  void recordsStreamedSegmentsAndEvents() {
    sendStream(
        TraceSegmentReportServiceGrpc.newStub(channel)::collect,
        SegmentObject.newBuilder()
            .setTraceId("t1")
            .setService("gateway")
            .setServiceInstance("gw-1")
            .build(),
        SegmentObject.newBuilder()
            .setTraceId("t1")
            .setService("order-service")
            .setServiceInstance("order-1")
            .build());
    sendStream(
        EventServiceGrpc.newStub(channel)::collect,
        Event.newBuilder()
            .setName("Start")
            .setSource(Source.newBuilder().setService("gateway").setServiceInstance("gw-1"))
            .build());

    assertThat(collector.segments()).hasSize(2);
    assertThat(collector.segments("order-service"))
        .singleElement()
        .extracting(SegmentObject::getTraceId)
        .isEqualTo("t1");
    assertThat(collector.events("gateway")).extracting(Event::getName).containsExactly("Start");
  }

  /**
   * Log lines as apm-toolkit's logback appender sends them through the agent: one stream, the
   * service named on the first line only, the trace context on the lines logged inside a trace.
   */
  @Test
  void recordsStreamedLogLinesUnderTheServiceOfTheirStream() {
    Commands answer =
        sendStream(
            LogReportServiceGrpc.newStub(channel)::collect,
            LogData.newBuilder()
                .setService("order-service")
                .setServiceInstance("order-1")
                .setBody(LogDataBody.newBuilder().setText(TextLog.newBuilder().setText("placed")))
                .setTraceContext(
                    TraceContext.newBuilder().setTraceId("t1").setTraceSegmentId("s1").setSpanId(0))
                .build(),
            LogData.newBuilder()
                .setBody(LogDataBody.newBuilder().setText(TextLog.newBuilder().setText("idle")))
                .build());

    assertThat(answer).isEqualTo(Commands.getDefaultInstance());
    assertThat(collector.logs("order-service"))
        .extracting(
            l -> l.getBody().getText().getText() + "@" + l.getServiceInstance(),
            l -> l.getTraceContext().getTraceId())
        .containsExactly(tuple("placed@order-1", "t1"), tuple("idle@order-1", ""));
    assertThat(collector.logs("gateway")).isEmpty();
  }

  @Test
  void answersConfigurationDiscoveryWithNoCommands() {
    Commands answer =
        ConfigurationDiscoveryServiceGrpc.newBlockingStub(channel)
            .fetchConfigurations(
                ConfigurationSyncRequest.newBuilder().setService("batch-jobs").build());

    assertThat(answer.getCommandsList()).isEmpty();
    assertThat(collector.configurationFetches())
        .extracting(ConfigurationSyncRequest::getService)
        .containsExactly("batch-jobs");
  }

  @Test
  void describesWhatItReceived() {
    ManagementServiceGrpc.newBlockingStub(channel)
        .reportInstanceProperties(
            InstanceProperties.newBuilder()
                .setService("gateway")
                .setServiceInstance("gw-1")
                .build());
    JVMMetricReportServiceGrpc.newBlockingStub(channel).collect(jvmMetrics("gateway", "gw-1"));

    assertThat(collector.toString()).contains("gateway/gw-1: 1 JVM metric reports");
  }

  /** Sends the messages on one client stream, as the agent does, and waits for the answer. */
  private static <T> Commands sendStream(
      java.util.function.Function<StreamObserver<Commands>, StreamObserver<T>> call,
      @SuppressWarnings("unchecked") T... messages) {
    CompletableFuture<Commands> answer = new CompletableFuture<>();
    StreamObserver<T> stream =
        call.apply(
            new StreamObserver<>() {
              @Override
              public void onNext(Commands value) {
                answer.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    for (T message : messages) {
      stream.onNext(message);
    }
    stream.onCompleted();
    await().atMost(Duration.ofSeconds(10)).until(answer::isDone);
    return answer.join();
  }

  private static JVMMetricCollection jvmMetrics(String service, String instance) {
    return JVMMetricCollection.newBuilder()
        .setService(service)
        .setServiceInstance(instance)
        .addMetrics(JVMMetric.newBuilder().setTime(System.currentTimeMillis()))
        .build();
  }

  private static KeyStringValuePair pair(String key, String value) {
    return KeyStringValuePair.newBuilder().setKey(key).setValue(value).build();
  }
}
