package io.shopstack.auth;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What auth-server knows beyond Spring Authorization Server's own client registrations ({@code
 * spring.security.oauth2.authorizationserver.client.*}): the signing key, the people who can log
 * in, and the audience of each client's tokens. The key, the passwords and the client secrets are
 * secrets: files in {@code shop.secrets.directory} (a Secret in Kubernetes, the launcher locally),
 * never application.yaml.
 *
 * @param signingKey the RSA private key every replica signs with (PKCS#8 PEM)
 * @param verificationKeys more RSA public keys (PEM, concatenated) that the JWK set publishes
 *     beside the signing key's: the next key before a rotation, the previous one after it
 * @param users who may log in, by user name
 * @param clients per client id, what its tokens are for
 */
@ConfigurationProperties("shop.auth")
record AuthProperties(
    String signingKey,
    String verificationKeys,
    Map<String, User> users,
    Map<String, Client> clients) {

  AuthProperties {
    users = users == null ? Map.of() : Map.copyOf(users);
    clients = clients == null ? Map.of() : Map.copyOf(clients);
  }

  /**
   * @param password the password, plain (a demo value) or encoded with an id prefix such as {@code
   *     {bcrypt}}
   * @param role {@code customer} or {@code operator}; tokens carry it in their {@code roles} claim
   */
  record User(String password, String role) {}

  /**
   * @param secret the client's secret, for confidential clients (auth-server's copy; the client has
   *     the same value in its own Secret)
   * @param audience the resource servers its tokens are for (their {@code aud} claim): each service
   *     accepts only tokens that name it
   */
  record Client(String secret, List<String> audience) {
    Client {
      audience = audience == null ? List.of() : List.copyOf(audience);
    }
  }
}
