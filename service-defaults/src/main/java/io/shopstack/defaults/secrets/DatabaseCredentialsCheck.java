package io.shopstack.defaults.secrets;

import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Fails the start-up with a {@link MissingSecretsException} when {@code spring.datasource.username}
 * or {@code password} has no value. Both are secrets: files in {@code shop.secrets.directory} (read
 * by each service's {@code configtree} import) or environment variables.
 */
class DatabaseCredentialsCheck implements BeanFactoryPostProcessor, EnvironmentAware {

  static final List<String> CREDENTIALS =
      List.of("spring.datasource.username", "spring.datasource.password");

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    List<String> missing =
        CREDENTIALS.stream()
            .filter(name -> !StringUtils.hasText(environment.getProperty(name)))
            .toList();
    if (!missing.isEmpty()) {
      throw new MissingSecretsException(
          environment.getProperty("spring.application.name", "the application"),
          missing,
          environment.getProperty(
              "shop.secrets.directory", MissingSecretsException.DEFAULT_DIRECTORY));
    }
  }
}
