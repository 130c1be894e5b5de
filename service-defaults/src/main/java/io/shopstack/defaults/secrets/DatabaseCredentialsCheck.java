package io.shopstack.defaults.secrets;

import io.shopstack.defaults.ShopProperties;
import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Fails the start-up with a {@link MissingSecretsException} when {@code spring.datasource.username}
 * or {@code password} has no value, naming at the same time the service's client secret ({@code
 * shop.auth.client-secret}) if it calls others as itself and lacks that too, so that one failed
 * start says everything that is missing. All are secrets: files in {@code shop.secrets.directory}
 * (read by each service's {@code configtree} import) or environment variables.
 */
class DatabaseCredentialsCheck implements BeanFactoryPostProcessor, EnvironmentAware {

  static final List<String> CREDENTIALS =
      List.of("spring.datasource.username", "spring.datasource.password");

  /** The client registration of service-defaults' ServiceCredentials, and its secret. */
  static final String CLIENT_REGISTRATION =
      "spring.security.oauth2.client.registration.shop.client-id";

  static final String CLIENT_SECRET = "shop.auth.client-secret";

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    List<String> missing =
        new java.util.ArrayList<>(
            CREDENTIALS.stream()
                .filter(name -> !StringUtils.hasText(environment.getProperty(name)))
                .toList());
    if (environment.containsProperty(CLIENT_REGISTRATION)
        && !StringUtils.hasText(environment.getProperty(CLIENT_SECRET))) {
      missing.add(CLIENT_SECRET);
    }
    if (!missing.isEmpty()) {
      throw new MissingSecretsException(
          environment.getProperty("spring.application.name", "the application"),
          missing,
          ShopProperties.of(environment).secrets().directory());
    }
  }
}
