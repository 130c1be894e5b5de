package io.shopstack.k8s;

import static io.shopstack.k8s.Manifests.env;
import static io.shopstack.k8s.Manifests.find;
import static io.shopstack.k8s.Manifests.obj;
import static io.shopstack.k8s.Manifests.objects;
import static io.shopstack.k8s.Manifests.ofKind;
import static io.shopstack.k8s.Manifests.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.shopstack.k8s.Manifests.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

/**
 * The contract with the services (docs/services.md) and the promises of each overlay, read from the
 * rendered objects: ConfigMap names and keys that Spring Cloud Kubernetes looks up, secrets as
 * files, the env each service expects, the CronJob's safety settings, and what the laptop and
 * production overlays change.
 */
class StackContentTest {

  private static final List<String> SERVICES =
      List.of("gateway", "order-service", "inventory-service");

  /** The Deployments with an autoscaler and a disruption budget: the services and auth-server. */
  private static final List<String> AUTOSCALED =
      List.of("auth-server", "gateway", "order-service", "inventory-service");

  private final List<JsonObject> base = Renders.all().get("k8s");

  @Test
  void eachServiceHasItsConfigMapUnderItsApplicationName() {
    for (String service : SERVICES) {
      JsonObject configMap = find(base, "ConfigMap", service).orElseThrow();
      assertThat(obj(configMap, "data").keySet()).containsExactly("application.yaml");
    }
  }

  @Test
  void servicesGetTheirSettingsFromEnvAndTheirCredentialsAsFiles() {
    Map<String, String> databases =
        Map.of("order-service", "orders", "inventory-service", "inventory");
    for (String service : SERVICES) {
      Workload w = workload(base, "Deployment", service);
      JsonObject app = w.containers().get(0);
      Map<String, String> env = env(app);
      assertThat(env)
          .containsEntry("SPRING_MAIN_CLOUD_PLATFORM", "KUBERNETES")
          .containsEntry("SPRING_CONFIG_IMPORT", "optional:kubernetes:")
          .containsEntry("MANAGEMENT_SERVER_PORT", "9090")
          // No profile: what differs in a cluster is switched on by the cloud platform
          // (spring.cloud.kubernetes.*, service-defaults), and a profile that configures
          // nothing only misleads.
          .doesNotContainKey("SPRING_PROFILES_ACTIVE");
      assertThat(str(app, "image")).isEqualTo("shop/" + service + ":0.1.0-SNAPSHOT");
      assertThat(str(app, "readinessProbe", "httpGet", "path"))
          .isEqualTo("/actuator/health/readiness");
      assertThat(str(app, "livenessProbe", "httpGet", "path"))
          .isEqualTo("/actuator/health/liveness");
      assertThat(str(app, "livenessProbe", "httpGet", "port")).isEqualTo("management");
      assertThat(str(app, "startupProbe", "httpGet", "port")).isEqualTo("management");
      if (databases.containsKey(service)) {
        assertThat(env)
            .containsEntry(
                "SPRING_DATASOURCE_URL",
                "jdbc:postgresql://postgres-0.postgres:5432/" + databases.get(service));
        // The database credentials, beside order-service's client secret (IdentityTest).
        String secretName =
            IdentityTest.secretsMountedAt(w, IdentityTest.SECRETS).stream()
                .filter(s -> s.startsWith(service + "-db-")) // generated, with the hash suffix
                .findFirst()
                .orElseThrow();
        JsonObject secret = find(base, "Secret", secretName).orElseThrow();
        assertThat(obj(secret, "data").keySet())
            .containsExactlyInAnyOrder("spring.datasource.username", "spring.datasource.password");
      } else {
        assertThat(env).doesNotContainKey("SPRING_DATASOURCE_URL");
      }
    }
  }

  @Test
  void theBatchJobRunsSafelyAndCallsOrderService() {
    JsonObject cronJob = find(base, "CronJob", "batch-jobs").orElseThrow();
    assertThat(str(cronJob, "spec", "concurrencyPolicy")).isEqualTo("Forbid");
    assertThat(str(cronJob, "spec", "startingDeadlineSeconds")).isNotNull();
    assertThat(str(cronJob, "spec", "successfulJobsHistoryLimit")).isNotNull();
    assertThat(str(cronJob, "spec", "failedJobsHistoryLimit")).isNotNull();
    assertThat(str(cronJob, "spec", "jobTemplate", "spec", "backoffLimit")).isNotNull();
    assertThat(str(cronJob, "spec", "jobTemplate", "spec", "activeDeadlineSeconds")).isNotNull();
    Workload w = workload(base, "CronJob", "batch-jobs");
    assertThat(str(w.podSpec(), "restartPolicy")).isIn("Never", "OnFailure");
    assertThat(str(w.podSpec(), "automountServiceAccountToken")).isEqualTo("false");
    assertThat(env(w.containers().get(0)))
        .containsEntry("SHOP_BATCH_ORDER_SERVICE_URL", "http://order-service:8081");
    assertThat(ofKind(base, "RoleBinding"))
        .noneSatisfy(
            b ->
                assertThat(objects(b, "subjects"))
                    .anySatisfy(s -> assertThat(str(s, "name")).isEqualTo("batch-jobs")));
  }

  @Test
  void skyWalkingRunsOneVersionWithAnExplicitStorage() {
    String oap = str(workload(base, "Deployment", "skywalking-oap").containers().get(0), "image");
    String ui = str(workload(base, "Deployment", "skywalking-ui").containers().get(0), "image");
    assertThat(oap).matches("apache/skywalking-oap-server:10\\.\\d+\\.\\d+");
    assertThat(ui).isEqualTo(oap.replace("skywalking-oap-server", "skywalking-ui"));
    Map<String, String> env =
        env(workload(base, "Deployment", "skywalking-oap").containers().get(0));
    assertThat(env)
        .containsEntry("SW_STORAGE", "banyandb")
        .containsKey("SW_STORAGE_BANYANDB_TARGETS");
    assertThat(env(workload(base, "Deployment", "skywalking-ui").containers().get(0)))
        .containsEntry("SW_OAP_ADDRESS", "http://skywalking-oap:12800");
    assertThat(str(workload(base, "StatefulSet", "postgres").containers().get(0), "image"))
        .matches("postgres:1[67]\\.\\d+");
  }

  @Test
  void theLaptopOverlayRunsOneSmallReplicaFromLocalImages() {
    List<JsonObject> laptop = Renders.all().get("overlays/laptop");
    assertThat(ofKind(laptop, "HorizontalPodAutoscaler"))
        .extracting(Manifests::name)
        .containsExactlyInAnyOrder(AUTOSCALED.toArray(String[]::new));
    assertThat(ofKind(laptop, "HorizontalPodAutoscaler"))
        .allSatisfy(h -> assertThat(str(h, "spec", "minReplicas")).isEqualTo("1"));
    for (Workload w : Manifests.workloads(laptop)) {
      if (SkyWalkingWiringRules.hasAgent(w)) {
        assertThat(str(w.containers().get(0), "imagePullPolicy"))
            .as(w.id())
            .isEqualTo("IfNotPresent");
      }
    }
    assertThat(str(find(laptop, "Service", "gateway").orElseThrow(), "spec", "type"))
        .isEqualTo("NodePort");
  }

  @Test
  void theProductionOverlayKeepsTwoReplicasAndTurnsOnEveryComponent() {
    List<JsonObject> production = Renders.all().get("overlays/production");
    assertThat(ofKind(production, "HorizontalPodAutoscaler"))
        .extracting(Manifests::name)
        .containsExactlyInAnyOrder(AUTOSCALED.toArray(String[]::new));
    assertThat(ofKind(production, "HorizontalPodAutoscaler"))
        .allSatisfy(
            h ->
                assertThat(Integer.parseInt(str(h, "spec", "minReplicas")))
                    .isGreaterThanOrEqualTo(2));
    assertThat(ofKind(production, "PodDisruptionBudget"))
        .extracting(Manifests::name)
        .containsExactlyInAnyOrder(AUTOSCALED.toArray(String[]::new));
    assertThat(ofKind(production, "PodDisruptionBudget"))
        .allSatisfy(p -> assertThat(str(p, "spec", "minAvailable")).isEqualTo("1"));
    assertThat(find(production, "NetworkPolicy", "default-deny")).isPresent();
    assertThat(find(production, "Ingress", "gateway")).isPresent();
    assertThat(find(production, "PersistentVolumeClaim", "banyandb-data")).isPresent();
    assertThat(str(find(production, "Service", "gateway").orElseThrow(), "spec", "type"))
        .isEqualTo("ClusterIP");
  }

  @Test
  void everyImageOfTheBaseIsRetargetedFromItsImagesList() throws IOException {
    Map<String, Object> kustomization =
        new Yaml().load(Files.readString(Renders.k8s().resolve("base/kustomization.yaml")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> images = (List<Map<String, Object>>) kustomization.get("images");
    List<String> listed = images.stream().map(i -> String.valueOf(i.get("name"))).toList();
    List<String> used =
        Manifests.workloads(base).stream()
            .flatMap(w -> w.allContainers().stream())
            .map(c -> str(c, "image").replaceAll(":[^/]*$", ""))
            .distinct()
            .toList();
    assertThat(listed).containsAll(used);
    assertThat(listed).contains("apache/skywalking-java-agent");
  }

  @Test
  void imagesAreBuiltForAmd64AndArm64AndLeaveTheHeapToTheManifests() throws Exception {
    Path root = Renders.k8s().getParent();
    Document pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(root.resolve("pom.xml").toFile());
    XPath xpath = XPathFactory.newInstance().newXPath();
    String jib = "//plugin[artifactId='jib-maven-plugin']/configuration";
    NodeList platforms =
        (NodeList) xpath.evaluate(jib + "/from/platforms/platform", pom, XPathConstants.NODESET);
    List<String> built = new ArrayList<>();
    for (int i = 0; i < platforms.getLength(); i++) {
      built.add(
          xpath.evaluate("os", platforms.item(i))
              + "/"
              + xpath.evaluate("architecture", platforms.item(i)));
    }
    assertThat(built).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
    for (Path module : List.of(root.resolve("pom.xml"), root.resolve("load-test/pom.xml"))) {
      Document modulePom =
          DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(module.toFile());
      NodeList flags =
          (NodeList)
              xpath.evaluate(
                  jib + "/container/jvmFlags/jvmFlag", modulePom, XPathConstants.NODESET);
      for (int i = 0; i < flags.getLength(); i++) {
        assertThat(flags.item(i).getTextContent())
            .as("a Jib jvmFlag of %s (the heap belongs beside the limit, in the manifests)", module)
            .doesNotContain("-Xmx")
            .doesNotContain("MaxRAMPercentage");
      }
    }
    // The load-test image runs Gatling's main class itself (SimulationRunner), without Gatling's
    // launchers: since Gatling 3.13 its stats writer fails at start without this flag
    // (gatling/gatling#4599; bench/hpa.sh met it running the simulation the same way).
    Document loadTest =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(root.resolve("load-test/pom.xml").toFile());
    NodeList loadTestFlags =
        (NodeList)
            xpath.evaluate(jib + "/container/jvmFlags/jvmFlag", loadTest, XPathConstants.NODESET);
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < loadTestFlags.getLength(); i++) {
      flags.add(loadTestFlags.item(i).getTextContent().trim());
    }
    assertThat(flags).contains("--add-opens=java.base/java.lang=ALL-UNNAMED");
  }

  private static Workload workload(List<JsonObject> objects, String kind, String name) {
    return Manifests.workloads(objects).stream()
        .filter(w -> w.kind().equals(kind) && w.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
  }
}
