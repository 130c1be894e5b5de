package io.shopstack.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  List<String> jvmOptions() {
    return List.of(
        "-javaagent:" + directory.resolve("skywalking-agent.jar"),
        // No traces of the readiness polls and scrapes (the actuator) with an agent that has the
        // trace-ignore plugin in plugins/, as the cluster's (k8s/base/skywalking/agent/).
        "-Dskywalking.trace.ignore_path=*:/actuator/**",
        // The 9.4 agent's shaded Byte Buddy needs this to instrument classes of JDK 25.
        "-Dorg.apache.skywalking.apm.dependencies.net.bytebuddy.experimental=true");
  }

  /**
   * The agent's settings for one JVM, which reports as {@code instance} of service {@code module}.
   */
  Map<String, String> environment(String module, String instance, Path logDir) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("SW_AGENT_NAME", module);
    env.put("SW_AGENT_INSTANCE_NAME", instance);
    env.put("SW_AGENT_COLLECTOR_BACKEND_SERVICES", backendServices);
    if (module.equals("batch-jobs")) {
      // The heartbeat is what registers a service in OAP, and the job's JVM lives for seconds,
      // not for the default 30 s period (the CronJob's pod spec does the same).
      env.putIfAbsent("SW_AGENT_COLLECTOR_HEARTBEAT_PERIOD", "1");
    }
    // The agent's own log beside the service's, one file per JVM (they share the agent dir).
    env.put("SW_LOGGING_DIR", logDir.toAbsolutePath().toString());
    env.put("SW_LOGGING_FILE_NAME", instance + "-agent.log");
    return env;
  }
}
