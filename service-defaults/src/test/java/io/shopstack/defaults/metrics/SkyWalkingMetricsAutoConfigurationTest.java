package io.shopstack.defaults.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.skywalking.apm.meter.micrometer.SkywalkingMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The metrics auto-configuration of a service, with and without a SkyWalking agent on the class
 * path (the test sources hold a stand-in for the agent's class): with one, meters go to
 * SkyWalking's registry and Prometheus's alike; without one, only Prometheus has them.
 */
class SkyWalkingMetricsAutoConfigurationTest {

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  MetricsAutoConfiguration.class,
                  PrometheusMetricsExportAutoConfiguration.class,
                  SimpleMetricsExportAutoConfiguration.class,
                  CompositeMeterRegistryAutoConfiguration.class,
                  SkyWalkingMetricsAutoConfiguration.class));

  @Test
  void withAnAgentMetersGoToSkyWalkingAndPrometheus() {
    context.run(
        app -> {
          assertThat(app).hasSingleBean(SkywalkingMeterRegistry.class);
          MeterRegistry primary = app.getBean(MeterRegistry.class);
          assertThat(primary).isInstanceOf(CompositeMeterRegistry.class);
          assertThat(((CompositeMeterRegistry) primary).getRegistries())
              .hasAtLeastOneElementOfType(SkywalkingMeterRegistry.class)
              .hasAtLeastOneElementOfType(PrometheusMeterRegistry.class);

          primary.counter("shop.orders.placed", "outcome", "confirmed").increment();

          assertThat(app.getBean(PrometheusMeterRegistry.class).scrape())
              .contains("shop_orders_placed_total{outcome=\"confirmed\"} 1.0");
          // The value itself reaches SkyWalking through the agent's toolkit activation; the
          // registry holds the meter either way.
          assertThat(
                  app.getBean(SkywalkingMeterRegistry.class)
                      .find("shop.orders.placed")
                      .tag("outcome", "confirmed")
                      .counter())
              .isNotNull();
        });
  }

  @Test
  void withoutAnAgentOnlyPrometheusHasTheMeters() {
    context
        .withClassLoader(new FilteredClassLoader(SkyWalkingMetricsAutoConfiguration.AGENT_CLASS))
        .run(
            app -> {
              assertThat(app).doesNotHaveBean(SkywalkingMeterRegistry.class);
              assertThat(app.getBean(MeterRegistry.class))
                  .isInstanceOf(PrometheusMeterRegistry.class);
            });
  }
}
