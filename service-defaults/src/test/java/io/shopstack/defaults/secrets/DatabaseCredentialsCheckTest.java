package io.shopstack.defaults.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A service with a database whose credentials were not provided stops at start-up with a message
 * that names each missing secret and where it is expected: the file under the secrets directory
 * (where Kubernetes mounts the Secret) or the environment variable.
 */
class DatabaseCredentialsCheckTest {

  private final ApplicationContextRunner contexts =
      new ApplicationContextRunner()
          .withBean(DatabaseCredentialsCheck.class)
          .withPropertyValues(
              "spring.application.name=order-service",
              "spring.datasource.url=jdbc:postgresql://db:5432/orders");

  @Test
  void missingPasswordStopsTheStartAndSaysWhereItIsExpected() {
    contexts
        .withPropertyValues("spring.datasource.username=order_service")
        .run(
            context -> {
              assertThat(context).hasFailed();
              MissingSecretsException missing =
                  (MissingSecretsException) context.getStartupFailure();
              assertThat(missing.properties()).containsExactly("spring.datasource.password");
              assertThat(missing.getMessage())
                  .contains("order-service cannot start")
                  .contains("the file /etc/shop/secrets/spring.datasource.password")
                  .contains("the environment variable SPRING_DATASOURCE_PASSWORD")
                  .doesNotContain("spring.datasource.username");
            });
  }

  @Test
  void bothMissingAreNamedInTheDirectoryConfigured() {
    contexts
        .withPropertyValues("shop.secrets.directory=/run/secrets", "spring.datasource.password= ")
        .run(
            context -> {
              MissingSecretsException missing =
                  (MissingSecretsException) context.getStartupFailure();
              assertThat(missing.properties())
                  .containsExactly("spring.datasource.username", "spring.datasource.password");
              assertThat(missing.getMessage())
                  .contains("/run/secrets/spring.datasource.username")
                  .contains("/run/secrets/spring.datasource.password");
            });
  }

  @Test
  void credentialsPresentLetTheServiceStart() {
    contexts
        .withPropertyValues(
            "spring.datasource.username=order_service", "spring.datasource.password=secret")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void theFailureReportNamesTheFilesAndTheMount() {
    FailureAnalysis analysis =
        new MissingSecretsFailureAnalyzer()
            .analyze(
                new IllegalStateException(
                    "wrapped",
                    new MissingSecretsException(
                        "inventory-service",
                        java.util.List.of("spring.datasource.password"),
                        "/etc/shop/secrets")));
    assertThat(analysis.getDescription())
        .isEqualTo("inventory-service has no value for its secret(s) spring.datasource.password.");
    assertThat(analysis.getAction())
        .contains(
            "the file /etc/shop/secrets/spring.datasource.password or the environment variable"
                + " SPRING_DATASOURCE_PASSWORD")
        .contains("Secret mounted at /etc/shop/secrets");
  }
}
