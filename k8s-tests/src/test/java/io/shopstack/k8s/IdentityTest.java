package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.env;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.str;
import static io.shopstack.k8s.Manifests.stringMap;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Identity as auth-server and the services expect it (k8s/README.md, "Identity"): every pod that
 * signs, checks or fetches tokens reads the same issuer and auth-server address from one ConfigMap;
 * auth-server gets its signing key, users and clients as files and no Kubernetes API access; each
 * client-credentials client mounts its own copy of its secret, which must equal auth-server's (a
 * mismatch only shows in a cluster, as a 401 at the first call); the committed signing key is a
 * PKCS#8 RSA key of at least 2048 bits; and the load test logs in as demo users whose passwords it
 * mounts. The secret checks run on every render, since an overlay may replace any of them.
 */
class IdentityTest {

  static final String SECRETS = "/etc/shop/secrets";

  /** Client id (auth-server's shop.auth.clients.ID.secret) to the workload that uses it. */
  static final Map<String, String> CLIENTS =
      Map.of("batch-jobs", "CronJob/batch-jobs", "order-service", "Deployment/order-service");

  private final List<JsonObject> base = Renders.all().get("k8s");

  @Test
  void everyPodThatSignsChecksOrFetchesTokensReadsTheSharedAuthConfigMap() {
    Workload authServer = workload(base, "Deployment/auth-server");
    List<String> configMaps = envFromConfigMaps(authServer);
    assertThat(configMaps).singleElement().asString().matches("auth-[a-z0-9]{10}");
    String auth = configMaps.getFirst();
    assertThat(stringMap(obj(find(base, "ConfigMap", auth).orElseThrow(), "data")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "SHOP_AUTH_ISSUER", "http://auth-server:9000",
                "SHOP_AUTH_URL", "http://auth-server:9000"));
    for (String id :
        List.of(
            "Deployment/gateway",
            "Deployment/order-service",
            "Deployment/inventory-service",
            "CronJob/batch-jobs")) {
      assertThat(envFromConfigMaps(workload(base, id))).as(id).contains(auth);
    }
    assertThat(envFromConfigMaps(workload(Renders.all().get("k8s+load-test"), "CronJob/load-test")))
        .contains(auth);
  }

  @Test
  void authServerGetsItsKeyUsersAndClientsAsFilesAndNoApiAccess() {
    Workload w = workload(base, "Deployment/auth-server");
    List<String> secrets = secretsMountedAt(w, SECRETS);
    assertThat(secrets)
        .hasSize(3)
        .anyMatch(s -> s.startsWith("auth-server-signing-key-"))
        .anyMatch(s -> s.startsWith("auth-server-users-"))
        .anyMatch(s -> s.startsWith("auth-server-clients-"));
    Map<String, String> files = new LinkedHashMap<>();
    secrets.forEach(s -> files.putAll(values(base, s)));
    assertThat(files)
        .containsKeys(
            "shop.auth.signing-key",
            "shop.auth.users.alice.password",
            "shop.auth.users.bob.password",
            "shop.auth.users.oscar.password",
            "shop.auth.clients.batch-jobs.secret",
            "shop.auth.clients.order-service.secret");
    // The committed passwords and client secrets say what they are.
    files.entrySet().stream()
        .filter(e -> !e.getKey().equals("shop.auth.signing-key"))
        .forEach(e -> assertThat(e.getValue()).as(e.getKey()).startsWith("demo-only-"));

    // No Spring Cloud Kubernetes: no platform switch, no API token, no Role.
    assertThat(env(w.containers().getFirst())).doesNotContainKey("SPRING_MAIN_CLOUD_PLATFORM");
    assertThat(str(w.podSpec(), "automountServiceAccountToken")).isEqualTo("false");
    assertThat(find(base, "Role", "auth-server")).isEmpty();
    assertThat(ofKind(base, "RoleBinding"))
        .noneSatisfy(
            b ->
                assertThat(objects(b, "subjects"))
                    .anySatisfy(s -> assertThat(str(s, "name")).isEqualTo("auth-server")));
    // A login's requests share state in one pod's memory: every client sticks to one pod.
    assertThat(str(find(base, "Service", "auth-server").orElseThrow(), "spec", "sessionAffinity"))
        .isEqualTo("ClientIP");
  }

  @TestFactory
  Stream<DynamicTest> eachClientsSecretEqualsAuthServersCopy() {
    return Fixtures.forEveryRender(
        (render, objects) -> {
          Map<String, String> authServer =
              files(objects, workload(objects, "Deployment/auth-server"));
          for (Map.Entry<String, String> client : CLIENTS.entrySet()) {
            String expected = authServer.get("shop.auth.clients." + client.getKey() + ".secret");
            assertThat(expected).as("auth-server's secret of %s", client.getKey()).isNotNull();
            assertThat(files(objects, workload(objects, client.getValue())))
                .as("%s's shop.auth.client-secret", client.getValue())
                .containsEntry("shop.auth.client-secret", expected);
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> theSigningKeyIsAPkcs8RsaKeyOfAtLeast2048Bits() {
    return Fixtures.forEveryRender(
        (render, objects) -> {
          String pem =
              files(objects, workload(objects, "Deployment/auth-server"))
                  .get("shop.auth.signing-key");
          assertThat(pem)
              .isNotNull()
              .startsWith("-----BEGIN PRIVATE KEY-----")
              .contains("-----END PRIVATE KEY-----");
          byte[] der =
              Base64.getMimeDecoder()
                  .decode(
                      pem.replace("-----BEGIN PRIVATE KEY-----", "")
                          .replace("-----END PRIVATE KEY-----", ""));
          RSAPrivateCrtKey key =
              (RSAPrivateCrtKey)
                  KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
          assertThat(key.getModulus().bitLength()).isGreaterThanOrEqualTo(2048);
        });
  }

  @Test
  void theLoadTestLogsInAsDemoUsersWhosePasswordsItMounts() {
    List<JsonObject> objects = Renders.all().get("k8s+load-test");
    Workload loadTest = workload(objects, "CronJob/load-test");
    Map<String, String> env = env(loadTest.containers().getFirst());
    assertThat(env)
        .containsEntry("LOAD_TEST_AUTH_URL", "http://auth-server:9000")
        .containsEntry("LOAD_TEST_CUSTOMERS", "alice,bob")
        .containsEntry("LOAD_TEST_OPERATOR", "oscar");
    List<String> secrets = secretsMountedAt(loadTest, SECRETS);
    assertThat(secrets)
        .as("the load test mounts auth-server's users, nothing else")
        .singleElement()
        .asString()
        .startsWith("auth-server-users-");
    assertThat(secretsMountedAt(workload(objects, "Deployment/auth-server"), SECRETS))
        .contains(secrets.getFirst());
    Map<String, String> passwords = values(objects, secrets.getFirst());
    List<String> users = new ArrayList<>(List.of(env.get("LOAD_TEST_CUSTOMERS").split(",")));
    users.add(env.get("LOAD_TEST_OPERATOR"));
    for (String user : users) {
      assertThat(passwords).containsKey("shop.auth.users." + user + ".password");
    }
  }

  private static Workload workload(List<JsonObject> objects, String id) {
    return Manifests.workloads(objects).stream()
        .filter(w -> w.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + id));
  }

  private static List<String> envFromConfigMaps(Workload w) {
    return objects(w.containers().getFirst(), "envFrom").stream()
        .map(e -> str(e, "configMapRef", "name"))
        .filter(n -> n != null)
        .toList();
  }

  /** The Secrets behind the volume mounted at the path: a secret volume or a projected one. */
  static List<String> secretsMountedAt(Workload w, String path) {
    JsonObject mount =
        objects(w.containers().getFirst(), "volumeMounts").stream()
            .filter(m -> path.equals(str(m, "mountPath")))
            .findFirst()
            .orElseThrow(() -> new AssertionError(w.id() + " mounts nothing at " + path));
    assertThat(str(mount, "readOnly")).as("%s mounts %s read-only", w.id(), path).isEqualTo("true");
    JsonObject volume =
        objects(w.podSpec(), "volumes").stream()
            .filter(v -> str(mount, "name").equals(str(v, "name")))
            .findFirst()
            .orElseThrow();
    List<String> secrets = new ArrayList<>();
    if (str(volume, "secret", "secretName") != null) {
      secrets.add(str(volume, "secret", "secretName"));
    }
    for (JsonObject source : objects(volume, "projected", "sources")) {
      if (str(source, "secret", "name") != null) {
        secrets.add(str(source, "secret", "name"));
      }
    }
    return secrets;
  }

  /** The files a workload finds at {@value #SECRETS}: every key of every Secret mounted there. */
  private static Map<String, String> files(List<JsonObject> objects, Workload w) {
    Map<String, String> files = new LinkedHashMap<>();
    secretsMountedAt(w, SECRETS).forEach(s -> files.putAll(values(objects, s)));
    return files;
  }

  /**
   * A Secret's values: data decoded from base64 (kustomize folds long values), stringData as is.
   */
  static Map<String, String> values(List<JsonObject> objects, String secret) {
    JsonObject s =
        find(objects, "Secret", secret)
            .orElseThrow(() -> new AssertionError("no Secret " + secret));
    Map<String, String> values = new LinkedHashMap<>();
    stringMap(obj(s, "data"))
        .forEach(
            (k, v) ->
                values.put(
                    k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)));
    values.putAll(stringMap(obj(s, "stringData")));
    return values;
  }
}
