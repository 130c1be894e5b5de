package io.shopstack.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The services' secrets as they read them in a cluster: files named after the property, one
 * directory per service (where the Kubernetes Secrets mount at /etc/shop/secrets), never on a
 * command line. auth-server's signing key and the client secrets are new on every run (only the
 * services need them); the people's passwords are the demo ones.
 */
final class Secrets {

  private static final SecureRandom random = new SecureRandom();

  private final Path root;

  private Secrets(Path root) {
    this.root = root.toAbsolutePath();
  }

  static Secrets write(Path root) throws IOException {
    Secrets secrets = new Secrets(root);
    Map<String, String> auth = new LinkedHashMap<>();
    auth.put("shop.auth.signing-key", rsaPrivateKeyPem());
    LocalStack.DEMO_PASSWORDS.forEach(
        (user, password) -> auth.put("shop.auth.users." + user + ".password", password));
    for (String client : List.of("order-service", "batch-jobs")) {
      String secret = randomSecret();
      auth.put("shop.auth.clients." + client + ".secret", secret);
      secrets.writeFiles(client, Map.of("shop.auth.client-secret", secret));
    }
    secrets.writeFiles("auth-server", auth);
    for (String module : List.of("gateway", "inventory-service")) {
      secrets.writeFiles(module, Map.of());
    }
    return secrets;
  }

  /** The directory a module reads its secrets from ({@code shop.secrets.directory}). */
  Path directoryOf(String module) {
    return root.resolve(module);
  }

  private void writeFiles(String module, Map<String, String> files) throws IOException {
    Path directory = directoryOf(module);
    FileTrees.delete(directory);
    Files.createDirectories(directory);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = directory.resolve(file.getKey());
      Files.writeString(path, file.getValue());
      try {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system (Windows): the directory's own protection applies.
      }
    }
  }

  /** A new RSA 2048 private key, PKCS#8 PEM, as the Kubernetes Secret holds auth-server's. */
  private static String rsaPrivateKeyPem() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
          + "\n-----END PRIVATE KEY-----\n";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
