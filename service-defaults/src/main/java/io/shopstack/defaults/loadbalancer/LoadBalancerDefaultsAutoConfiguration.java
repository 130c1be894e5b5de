package io.shopstack.defaults.loadbalancer;

import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.annotation.Bean;

/**
 * For services that call others through Spring Cloud LoadBalancer (the gateway, order-service):
 * instances that refuse connections are skipped for a while, so retries and the requests after them
 * reach an instance that answers. See {@link FailedInstances}.
 */
@AutoConfiguration
@ConditionalOnClass(ServiceInstanceListSupplier.class)
@LoadBalancerClients(defaultConfiguration = SkipFailedInstancesConfiguration.class)
public class LoadBalancerDefaultsAutoConfiguration {

  @Bean
  FailedInstances failedInstances(@Value("${shop.loadbalancer.eject-for:10s}") Duration ejectFor) {
    return new FailedInstances(ejectFor, Clock.systemUTC());
  }
}
