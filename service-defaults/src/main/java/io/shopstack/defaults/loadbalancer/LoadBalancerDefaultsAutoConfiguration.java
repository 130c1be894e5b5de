package io.shopstack.defaults.loadbalancer;

import io.shopstack.defaults.ShopProperties;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
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
@EnableConfigurationProperties(ShopProperties.class)
public class LoadBalancerDefaultsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  FailedInstances failedInstances(ShopProperties settings) {
    return new FailedInstances(settings.loadbalancer().ejectFor(), Clock.systemUTC());
  }
}
