package io.shopstack.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * API paths read as RBAC reads them (verb, group, resource, name, namespace), and a namespaced Role
 * judged against such calls: what it refuses, and what it grants that no call uses.
 */
class ApiRequestTest {

  private static final Role ROLE =
      new RoleBuilder()
          .withNewMetadata()
          .withName("web")
          .withNamespace("shop")
          .endMetadata()
          .addNewRule()
          .withApiGroups("")
          .withResources("configmaps")
          .withVerbs("list", "watch")
          .endRule()
          .build();

  @Test
  void pathsAndMethodsMapToRbacVerbs() {
    assertThat(call("GET", "/api/v1/namespaces/shop/configmaps").toString())
        .isEqualTo("list configmaps in shop");
    assertThat(call("GET", "/api/v1/namespaces/shop/endpoints?watch=true&resourceVersion=5"))
        .hasToString("watch endpoints in shop");
    assertThat(call("GET", "/api/v1/namespaces/shop/pods/web-1"))
        .hasToString("get pods/web-1 in shop");
    assertThat(call("GET", "/api/v1/namespaces/shop/pods/web-1/log"))
        .hasToString("get pods/log/web-1 in shop");
    assertThat(call("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web"))
        .hasToString("patch apps/deployments/web in shop");
    assertThat(call("DELETE", "/api/v1/namespaces/shop/secrets"))
        .hasToString("deletecollection secrets in shop");
    assertThat(call("GET", "/api/v1/namespaces")).hasToString("list namespaces");
    assertThat(call("GET", "/apis").isDiscovery()).isTrue();
  }

  @Test
  void theRoleAllowsItsVerbsOnItsResourcesInItsNamespaceOnly() {
    assertThat(Rbac.allows(ROLE, call("GET", "/api/v1/namespaces/shop/configmaps"))).isTrue();
    assertThat(Rbac.allows(ROLE, call("GET", "/api/v1/namespaces/shop/configmaps/web"))).isFalse();
    assertThat(Rbac.allows(ROLE, call("GET", "/api/v1/namespaces/other/configmaps"))).isFalse();
    assertThat(Rbac.allows(ROLE, call("GET", "/api/v1/configmaps"))).isFalse();
    assertThat(Rbac.allows(ROLE, call("GET", "/api/v1/namespaces/shop/secrets"))).isFalse();
    assertThat(Rbac.allows(ROLE, call("GET", "/version"))).isTrue();
  }

  @Test
  void theComparisonReportsRefusedCallsAndUnusedGrants() {
    assertThat(
            Rbac.compare(
                "web",
                ROLE,
                List.of(
                    call("GET", "/api/v1/namespaces/shop/configmaps"),
                    call("GET", "/api/v1/namespaces/shop/services"))))
        .containsExactly(
            "web needs a permission its Role does not grant: list services in shop",
            "web's Role grants what it never uses: watch configmaps");
    assertThat(
            Rbac.compare(
                "web",
                ROLE,
                List.of(
                    call("GET", "/api/v1/namespaces/shop/configmaps"),
                    call("GET", "/api/v1/namespaces/shop/configmaps?watch=true"))))
        .isEmpty();
  }

  private static ApiRequest call(String method, String path) {
    return new ApiRequest("web", method, path);
  }
}
