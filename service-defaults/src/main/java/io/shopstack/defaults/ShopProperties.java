package io.shopstack.defaults;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * The {@code shop.*} settings that service-defaults itself reads. Each has a default here, so a
 * service sets only what it changes; the configuration processor turns these comments into the
 * metadata an IDE completes from.
 *
 * @param http Limits of the HTTP server
 * @param loadbalancer How calls through Spring Cloud LoadBalancer treat a failed instance
 * @param secrets Where the secret files are
 */
@ConfigurationProperties("shop")
public record ShopProperties(
    @DefaultValue Http http,
    @DefaultValue LoadBalancer loadbalancer,
    @DefaultValue Secrets secrets) {

  /**
   * @param maxRequestBody Requests with a larger body are refused with 413 before they reach a
   *     controller
   */
  public record Http(@DefaultValue("64KB") DataSize maxRequestBody) {}

  /**
   * @param ejectFor How long an instance that refused a connection is skipped
   */
  public record LoadBalancer(@DefaultValue("10s") Duration ejectFor) {}

  /**
   * @param directory The directory of secret files, each named after its property (the Secrets
   *     mounted in Kubernetes; the launcher's files locally)
   */
  public record Secrets(@DefaultValue("/etc/shop/secrets") String directory) {}

  /** The settings as bound now, for code that runs before beans exist. */
  public static ShopProperties of(Environment environment) {
    return Binder.get(environment).bindOrCreate("shop", ShopProperties.class);
  }
}
