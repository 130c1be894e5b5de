package io.shopstack.batch;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Settles PENDING orders once and exits: the Kubernetes CronJob reads the exit code (see {@link
 * io.shopstack.batch.reconcile.Reconciliation}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BatchApplication {

  /**
   * How long a JVM with a SkyWalking agent stays after the run before it exits. The agent sends
   * finished trace segments and log lines from a queue every 20 ms and does not drain it at exit,
   * so the run's last segments (the job's own span ends just before the exit) would often be lost.
   */
  static final Duration AGENT_FLUSH = Duration.ofSeconds(1);

  public static void main(String[] args) throws InterruptedException {
    int exitCode = SpringApplication.exit(SpringApplication.run(BatchApplication.class, args));
    if (hasSkyWalkingAgent(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
      Thread.sleep(AGENT_FLUSH);
    }
    System.exit(exitCode);
  }

  /** Whether the JVM options (JAVA_TOOL_OPTIONS included) attach SkyWalking's agent. */
  static boolean hasSkyWalkingAgent(List<String> jvmOptions) {
    return jvmOptions.stream()
        .anyMatch(o -> o.startsWith("-javaagent:") && o.contains("skywalking-agent"));
  }
}
