package io.shopstack.defaults;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds {@code shop-defaults.properties} as the property source of lowest precedence, so every
 * service starts with the same server, actuator and JSON settings and can still override any of
 * them in its own {@code application.yaml}, a ConfigMap or the environment.
 */
public class ServiceDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String SOURCE_NAME = "shopServiceDefaults";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.getPropertySources().contains(SOURCE_NAME)) {
      return;
    }
    try {
      environment
          .getPropertySources()
          .addLast(
              new ResourcePropertySource(
                  SOURCE_NAME, new ClassPathResource("shop-defaults.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException("shop-defaults.properties is missing from the classpath", e);
    }
  }
}
