package io.shopstack.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.shopstack.localstack.ServiceJvm;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A Kubernetes API server for the tests: fabric8's mock server in CRUD mode on 127.0.0.1, which
 * stores whatever is written to it and serves lists and watches of it. It also plays more of a
 * cluster: it tells callers apart by their bearer token, as the API server does with ServiceAccount
 * tokens, records every request and refuses (403) what the caller's Role does not allow; and the
 * test acts as the endpoints controller through {@link #setEndpoints}.
 */
final class KubernetesApi implements AutoCloseable {

  static final String NAMESPACE = "shop";
  private static final String TEST_TOKEN = "test-itself";

  private final Map<String, String> accountsByToken = new ConcurrentHashMap<>();
  private final Map<String, Role> rolesByAccount = new ConcurrentHashMap<>();
  private final List<ApiRequest> requests = new CopyOnWriteArrayList<>();
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private KubernetesApi() {
    KubernetesCrudDispatcher dispatcher =
        new KubernetesCrudDispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            ApiRequest call = record(request);
            Role role = call == null ? null : rolesByAccount.get(String.valueOf(call.account()));
            if (call != null && (role == null || !Rbac.allows(role, call))) {
              return forbidden(call);
            }
            return super.dispatch(request);
          }
        };
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url())
            .withNamespace(NAMESPACE)
            .withOauthToken(TEST_TOKEN)
            .withHttp2Disable(true)
            .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Starts an empty API server. */
  static KubernetesApi start() {
    return new KubernetesApi();
  }

  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** The test's own client (its requests are not recorded). */
  KubernetesClient client() {
    return client;
  }

  /** Creates every object, as {@code kubectl apply} would. */
  void apply(List<HasMetadata> objects) {
    for (HasMetadata object : objects) {
      client.resource(object).create();
    }
  }

  /**
   * The JVM options that make a service's fabric8 client use this server as the API server of its
   * pod: as the ServiceAccount {@code account} (through a token that maps to it), in namespace
   * {@value #NAMESPACE}, with no kubeconfig and no in-cluster token file to fall back to. The same
   * system properties Spring Cloud Kubernetes' own fabric8 tests set.
   */
  List<String> jvmOptions(String account, Role role) {
    String token = "token-of-" + account;
    accountsByToken.put(token, account);
    rolesByAccount.put(account, role);
    return List.of(
        "-D" + Config.KUBERNETES_MASTER_SYSTEM_PROPERTY + "=" + url(),
        "-D" + Config.KUBERNETES_TRUST_CERT_SYSTEM_PROPERTY + "=true",
        "-D" + Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY + "=false",
        "-D" + Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY + "=false",
        "-D" + Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY + "=" + NAMESPACE,
        "-D" + Config.KUBERNETES_HTTP2_DISABLE + "=true",
        "-D" + Config.KUBERNETES_OAUTH_TOKEN_SYSTEM_PROPERTY + "=" + token);
  }

  /**
   * Plays the endpoints controller: the Endpoints of {@code service} list the given pods as ready
   * addresses, with their port under the name of the Service's port. An empty list means no ready
   * pod.
   */
  void setEndpoints(String service, List<ServiceJvm> pods) {
    Service s = client.services().inNamespace(NAMESPACE).withName(service).require();
    String portName = s.getSpec().getPorts().getFirst().getName();
    // One subset, as the controller makes for pods that share their port numbers (the replicas
    // of a Deployment); Spring Cloud Kubernetes reads one number per port name.
    List<Integer> ports = pods.stream().map(ServiceJvm::port).distinct().toList();
    if (ports.size() > 1) {
      throw new IllegalArgumentException("the pods of " + service + " differ in port: " + ports);
    }
    List<EndpointSubset> subsets =
        pods.isEmpty()
            ? List.of()
            : List.of(
                new EndpointSubsetBuilder()
                    .withAddresses(
                        pods.stream()
                            .map(
                                pod ->
                                    new EndpointAddressBuilder()
                                        .withIp(pod.address())
                                        .withNewTargetRef()
                                        .withKind("Pod")
                                        .withNamespace(NAMESPACE)
                                        .withName(pod.name())
                                        .endTargetRef()
                                        .build())
                            .toList())
                    .addNewPort()
                    .withName(portName)
                    .withPort(ports.getFirst())
                    .withProtocol("TCP")
                    .endPort()
                    .build());
    Endpoints endpoints =
        new EndpointsBuilder()
            .withNewMetadata()
            .withName(service)
            .withNamespace(NAMESPACE)
            .withLabels(s.getMetadata().getLabels())
            .endMetadata()
            .withSubsets(subsets)
            .build();
    client.resource(endpoints).createOr(NonDeletingOperation::update);
  }

  /** Changes the {@code application.yaml} key of a ConfigMap, as {@code kubectl edit} would. */
  void editConfigMap(String name, UnaryOperator<String> applicationYaml) {
    client
        .configMaps()
        .inNamespace(NAMESPACE)
        .withName(name)
        .edit(
            (ConfigMap cm) -> {
              cm.getData()
                  .put(
                      "application.yaml",
                      applicationYaml.apply(cm.getData().get("application.yaml")));
              return cm;
            });
  }

  /** Every request made so far with the token of {@code account}. */
  List<ApiRequest> requestsOf(String account) {
    return requests.stream().filter(r -> account.equals(r.account())).toList();
  }

  /** Requests made with no token or one the test did not hand out. */
  List<ApiRequest> unauthenticatedRequests() {
    return requests.stream().filter(r -> r.account() == null).toList();
  }

  /** Records a call of a service, or answers null for the test's own. */
  private ApiRequest record(RecordedRequest request) {
    String authorization = request.getHeader("Authorization");
    String token =
        authorization != null && authorization.startsWith("Bearer ")
            ? authorization.substring("Bearer ".length())
            : "";
    if (TEST_TOKEN.equals(token)) {
      return null;
    }
    ApiRequest call =
        new ApiRequest(accountsByToken.get(token), request.getMethod(), request.getPath());
    requests.add(call);
    return call;
  }

  /** What the API server answers a call that RBAC does not allow. */
  private MockResponse forbidden(ApiRequest call) {
    Status status =
        new StatusBuilder()
            .withStatus("Failure")
            .withReason("Forbidden")
            .withCode(403)
            .withMessage(
                "system:serviceaccount:" + NAMESPACE + ":" + call.account() + " cannot " + call)
            .build();
    return new MockResponse()
        .setResponseCode(403)
        .addHeader("Content-Type", "application/json")
        .setBody(client.getKubernetesSerialization().asJson(status));
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
