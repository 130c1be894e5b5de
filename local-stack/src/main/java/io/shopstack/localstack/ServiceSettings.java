package io.shopstack.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What every service JVM of the local stack is told, beyond its ports and its database. */
final class ServiceSettings {

  private ServiceSettings() {}

  /**
   * The memory envelope of a pod (limit 1 GiB, or SHOP_POD_MEMORY; heap 40 % of it, as the
   * manifests' JDK_JAVA_OPTIONS set) instead of a quarter of this machine's memory per JVM, and the
   * collector the JVM picks by itself in such a pod: below 1792 MiB of memory it is no "server
   * class machine" and uses the serial collector; here, where it sees the whole machine, that has
   * to be said. docs/performance.md has the measured alternative (G1).
   */
  static List<String> jvmOptions(Agent agent) {
    String podMemory = System.getenv().getOrDefault("SHOP_POD_MEMORY", "1g");
    List<String> options =
        new ArrayList<>(
            List.of(
                "-Xss512k",
                "-XX:MaxRAM=" + podMemory,
                "-XX:MaxRAMPercentage=40",
                "-XX:+UseSerialGC"));
    if (agent != null) {
      options.addAll(agent.jvmOptions());
    }
    return options;
  }

  /** Where auth-server answers (also the issuer of its tokens) and where the secret files are. */
  static List<String> common(String authUrl, Path secrets) {
    return List.of("--shop.auth.url=" + authUrl, "--shop.secrets.directory=" + secrets);
  }

  /**
   * Discovery without a registry: Spring Cloud's simple discovery client, told where the instances
   * of {@code service} listen.
   */
  static List<String> discovery(String service, int... ports) {
    List<String> settings = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      settings.add(
          "--spring.cloud.discovery.client.simple.instances.%s[%d].uri=http://127.0.0.1:%d"
              .formatted(service, i, ports[i]));
    }
    return settings;
  }
}
