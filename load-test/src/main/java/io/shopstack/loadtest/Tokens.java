package io.shopstack.loadtest;

import io.shopstack.testsupport.ShopLogin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shoppers' access tokens, got as a real client gets them: the authorization-code grant with
 * PKCE at auth-server (test-support's ShopLogin, the same flow as shop-token.sh). Each user's token
 * is kept and used by every shopper of that user until it has less than 2 minutes left, then the
 * user logs in again.
 */
final class Tokens {

  private final ShopLogin login;
  private final Path passwords;
  private final Map<String, ShopLogin.AccessToken> current = new ConcurrentHashMap<>();

  /**
   * @param passwords a directory of files {@code shop.auth.users.<name>.password} (the mounted
   *     Secret auth-server-users in the cluster, the launcher's secrets locally)
   */
  Tokens(String authUrl, Path passwords) {
    this.login = new ShopLogin(authUrl);
    this.passwords = passwords;
  }

  /**
   * The directory given, else the pod's Secret mount, else the local launcher's secrets (from the
   * repository root, or from load-test/ as {@code ./mvnw -pl load-test gatling:test} runs).
   */
  static Path passwordsDirectory(String given) {
    if (given != null) {
      return Path.of(given);
    }
    for (Path candidate :
        new Path[] {
          Path.of("/etc/shop/secrets"),
          Path.of(".local-stack", "secrets", "auth-server"),
          Path.of("..", ".local-stack", "secrets", "auth-server")
        }) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "No passwords of the demo users: set passwordsDir (LOAD_TEST_PASSWORDS_DIR) to a directory"
            + " of files shop.auth.users.<name>.password");
  }

  /** A bearer token of {@code user}, valid for at least 2 more minutes. */
  String of(String user) {
    return current
        .compute(
            user,
            (name, token) ->
                token != null && token.validFor(Duration.ofMinutes(2))
                    ? token
                    : login.login(name, password(name)))
        .value();
  }

  private String password(String user) {
    Path file = passwords.resolve("shop.auth.users." + user + ".password");
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("No password for " + user + " at " + file, e);
    }
  }
}
