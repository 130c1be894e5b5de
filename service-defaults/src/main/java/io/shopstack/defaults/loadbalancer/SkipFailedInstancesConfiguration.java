package io.shopstack.defaults.loadbalancer;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Load-balancer configuration of every called service (registered by {@link
 * LoadBalancerDefaultsAutoConfiguration} in each service's own load-balancer context, never in the
 * application context, hence no {@code @Configuration}): discovery, a cache, then the skip of
 * {@link FailedInstances}.
 */
public class SkipFailedInstancesConfiguration {

  @Bean
  ServiceInstanceListSupplier serviceInstanceListSupplier(
      ConfigurableApplicationContext context, FailedInstances failed) {
    return ServiceInstanceListSupplier.builder()
        .withBlockingDiscoveryClient()
        .withCaching()
        .with((ctx, delegate) -> new SkipFailedInstances(delegate, failed))
        .build(context);
  }
}
