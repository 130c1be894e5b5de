package io.shopstack.auth;

import io.shopstack.defaults.secrets.MissingSecretsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerProperties;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Stops the start-up when a secret is missing (naming the file or variable it is expected in, never
 * a value) or when a client's tokens would name no audience: a token that no service accepts is a
 * configuration mistake to find now, not at the first request.
 */
@Component
class AuthSettingsCheck implements InitializingBean {

  private static final Set<String> ROLES = Set.of("customer", "operator");

  private final AuthProperties auth;
  private final OAuth2AuthorizationServerProperties server;
  private final Environment environment;

  AuthSettingsCheck(
      AuthProperties auth, OAuth2AuthorizationServerProperties server, Environment environment) {
    this.auth = auth;
    this.server = server;
    this.environment = environment;
  }

  @Override
  public void afterPropertiesSet() {
    List<String> missing = new ArrayList<>();
    if (!StringUtils.hasText(auth.signingKey())) {
      missing.add("shop.auth.signing-key");
    }
    auth.users()
        .forEach(
            (name, user) -> {
              if (!StringUtils.hasText(user.password())) {
                missing.add("shop.auth.users." + name + ".password");
              }
              if (user.role() == null || !ROLES.contains(user.role())) {
                throw new IllegalStateException(
                    "shop.auth.users." + name + ".role must be one of " + ROLES);
              }
            });
    server
        .getClient()
        .forEach(
            (key, registration) -> {
              String clientId = registration.getRegistration().getClientId();
              AuthProperties.Client client = auth.clients().get(clientId);
              if (client == null || client.audience().isEmpty()) {
                throw new IllegalStateException(
                    "Client "
                        + clientId
                        + " has no shop.auth.clients."
                        + clientId
                        + ".audience: its tokens would be accepted by no service");
              }
              boolean confidential =
                  !registration.getRegistration().getClientAuthenticationMethods().contains("none");
              if (confidential && !StringUtils.hasText(client.secret())) {
                missing.add("shop.auth.clients." + clientId + ".secret");
              }
            });
    if (!missing.isEmpty()) {
      throw new MissingSecretsException(
          environment.getProperty("spring.application.name", "auth-server"),
          missing,
          environment.getProperty("shop.secrets.directory", "/etc/shop/secrets"));
    }
  }
}
