package io.shopstack.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstack.defaults.secrets.MissingSecretsException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Without its Secrets auth-server does not start half-configured: it names every missing file (and
 * the variable that could replace it), and never starts with a client whose tokens no service would
 * accept.
 */
class MissingSecretsTest {

  @Test
  void aMissingKeyPasswordOrClientSecretStopsTheStartNamingTheFiles() {
    assertThatThrownBy(() -> start())
        .rootCause()
        .isInstanceOf(MissingSecretsException.class)
        .hasMessageContaining("the file /etc/shop/secrets/shop.auth.signing-key")
        .hasMessageContaining("SHOP_AUTH_SIGNINGKEY")
        .asInstanceOf(InstanceOfAssertFactories.type(MissingSecretsException.class))
        .satisfies(
            missing ->
                assertThat(missing.properties())
                    .containsExactlyInAnyOrder(
                        "shop.auth.signing-key",
                        "shop.auth.users.alice.password",
                        "shop.auth.users.bob.password",
                        "shop.auth.users.oscar.password",
                        "shop.auth.clients.batch-jobs.secret",
                        "shop.auth.clients.order-service.secret"));
  }

  @Test
  void aClientWithoutAudienceStopsTheStart() {
    assertThatThrownBy(
            () ->
                start(
                    "spring.security.oauth2.authorizationserver.client.extra.registration.client-id=extra",
                    "spring.security.oauth2.authorizationserver.client.extra.registration.client-authentication-methods=none",
                    "spring.security.oauth2.authorizationserver.client.extra.registration.authorization-grant-types=authorization_code",
                    "spring.security.oauth2.authorizationserver.client.extra.registration.redirect-uris=http://127.0.0.1/x"))
        .rootCause()
        .hasMessageContaining("Client extra has no shop.auth.clients.extra.audience");
  }

  private static void start(String... properties) {
    new SpringApplicationBuilder(AuthServerApplication.class)
        .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
        .properties(properties)
        .run()
        .close();
  }
}
