package io.shopstack.skywalking.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.skywalking.apm.network.event.v3.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local agent directory that this module's build prepares (the core agent jar from Maven
 * Central and the project's {@code config/agent.config}) is attached to a small JVM whose {@code
 * SW_*} variables point it at the in-test collector. The agent must read those variables through
 * the config file, register the instance under the given names and report JVM metrics and its start
 * event.
 */
class LocalAgentIT {

  private static final Path AGENT_DIR = Path.of(System.getProperty("skywalking.agent.dir"));

  private SkyWalkingCollector collector;
  private Process probe;
  private Path log;

  @BeforeEach
  void start() throws Exception {
    collector = SkyWalkingCollector.start();
    Path logDir = Files.createDirectories(Path.of("target", "local-agent-it"));
    log = logDir.resolve("probe.log");
  }

  @AfterEach
  void stop() throws Exception {
    if (probe != null) {
      probe.destroy();
      if (!probe.waitFor(20, TimeUnit.SECONDS)) {
        probe.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    collector.close();
  }

  @Test
  void theLocalAgentReportsToTheCollectorItIsPointedAt() throws Exception {
    assertThat(AGENT_DIR.resolve("skywalking-agent.jar")).isRegularFile();
    assertThat(AGENT_DIR.resolve("config/agent.config")).isRegularFile();

    ProcessBuilder builder =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-javaagent:" + AGENT_DIR.resolve("skywalking-agent.jar"),
                // The 9.4 agent's shaded Byte Buddy needs this to work on classes of JDK 25.
                "-Dorg.apache.skywalking.apm.dependencies.net.bytebuddy.experimental=true",
                // Only the probe: apm-network on the classpath would clash with the agent's own
                // copy of the same protocol classes.
                "-cp",
                Path.of(
                        AgentProbe.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString(),
                AgentProbe.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // The agent's own log beside the probe's output, for whoever reads a failure.
    builder.environment().put("SW_AGENT_NAME", "probe-service");
    builder.environment().put("SW_AGENT_INSTANCE_NAME", "probe-1");
    builder.environment().put("SW_AGENT_COLLECTOR_BACKEND_SERVICES", collector.backendAddress());
    builder.environment().put("SW_LOGGING_DIR", log.getParent().toString());
    builder.environment().put("SW_LOGGING_FILE_NAME", "probe-agent.log");
    probe = builder.start();

    await()
        .atMost(Duration.ofSeconds(60))
        .failFast("the probe exited; see " + log, () -> !probe.isAlive())
        .untilAsserted(
            () -> {
              assertThat(collector.instance("probe-service", "probe-1"))
                  .as(collector.toString())
                  .hasValueSatisfying(
                      instance ->
                          assertThat(instance.properties())
                              .containsEntry("language", "java")
                              .containsEntry("Process No.", String.valueOf(probe.pid()))
                              .containsKey("hostname"));
              assertThat(collector.jvmMetrics("probe-service", "probe-1")).isNotEmpty();
              assertThat(collector.events("probe-service"))
                  .extracting(Event::getName)
                  .contains("Start");
            });
    assertThat(collector.services()).containsExactly("probe-service");
    List<String> thread =
        collector.jvmMetrics("probe-service", "probe-1").getFirst().getMetricsList().stream()
            .map(m -> "live threads " + m.getThread().getLiveCount())
            .toList();
    assertThat(thread).isNotEmpty().noneMatch(line -> line.endsWith(" 0"));
  }
}
