package io.shopstack.defaults.metrics;

import org.apache.skywalking.apm.meter.micrometer.SkywalkingMeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * When a SkyWalking agent is attached, every Micrometer meter (the business meters, HTTP server and
 * client, JVM) is also reported to SkyWalking through apm-toolkit's meter registry; Spring Boot
 * then publishes both registries behind one composite, and {@code /actuator/prometheus} is
 * unchanged. Without an agent nothing of this exists.
 *
 * <p>The agent's jar is on the system class path ({@code -javaagent} puts it there), which is how
 * its presence is told. Only the registry is used: the toolkit's tracing ObservationHandlers stay
 * out, because with the agent they lose the gateway's segments and duplicate exit spans.
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    beforeName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnClass(
    value = SkywalkingMeterRegistry.class,
    name = SkyWalkingMetricsAutoConfiguration.AGENT_CLASS)
public class SkyWalkingMetricsAutoConfiguration {

  static final String AGENT_CLASS = "org.apache.skywalking.apm.agent.SkyWalkingAgent";

  @Bean
  @ConditionalOnMissingBean
  SkywalkingMeterRegistry skywalkingMeterRegistry() {
    return new SkywalkingMeterRegistry();
  }
}
