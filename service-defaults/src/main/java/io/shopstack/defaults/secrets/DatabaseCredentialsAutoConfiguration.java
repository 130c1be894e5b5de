package io.shopstack.defaults.secrets;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * A service with a database refuses to start without its credentials, naming the missing secret and
 * where it is expected, instead of failing later inside the connection pool with an authentication
 * error. Active only where JDBC is auto-configured and a database URL is set.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(
    name = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnProperty("spring.datasource.url")
public class DatabaseCredentialsAutoConfiguration {

  // Static and a BeanFactoryPostProcessor: it runs before any bean, the DataSource included.
  @Bean
  @ConditionalOnMissingBean
  static DatabaseCredentialsCheck databaseCredentialsCheck() {
    return new DatabaseCredentialsCheck();
  }
}
