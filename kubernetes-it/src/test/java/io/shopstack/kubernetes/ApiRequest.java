package io.shopstack.kubernetes;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

/**
 * One call to the Kubernetes API, as RBAC sees it: who made it (the ServiceAccount whose token it
 * carried), the verb, and the API group, resource and name it addressed.
 *
 * @param account the ServiceAccount, or {@code null} for a token the test did not hand out
 * @param method the HTTP method
 * @param path the request path and query
 */
record ApiRequest(String account, String method, String path) {

  /** The RBAC verb: get, list, watch, create, update, patch, delete or deletecollection. */
  String verb() {
    boolean named = target().name() != null;
    return switch (method) {
      case "GET" -> named ? "get" : query().contains("watch=true") ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** The API group ("" for the core group). */
  String apiGroup() {
    return target().group();
  }

  /** The resource, with its subresource if any ({@code pods/log}). */
  String resource() {
    return target().resource();
  }

  String name() {
    return target().name();
  }

  String namespace() {
    return target().namespace();
  }

  /**
   * True for the discovery paths ({@code /api}, {@code /apis}, {@code /version}) that every
   * authenticated account may read through the built-in {@code system:discovery} ClusterRole.
   */
  boolean isDiscovery() {
    return target().resource() == null;
  }

  @Override
  public String toString() {
    return isDiscovery()
        ? method + " " + URI.create(path).getPath()
        : verb()
            + " "
            + (apiGroup().isEmpty() ? "" : apiGroup() + "/")
            + resource()
            + (name() == null ? "" : "/" + name())
            + (namespace() == null ? "" : " in " + namespace());
  }

  private String query() {
    String query = URI.create(path).getRawQuery();
    return query == null ? "" : query;
  }

  /**
   * Parses {@code /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]]} and {@code
   * /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUB]]}.
   */
  private Target target() {
    List<String> parts =
        Arrays.stream(URI.create(path).getPath().split("/")).filter(s -> !s.isEmpty()).toList();
    int start;
    String group;
    if (parts.size() >= 3 && parts.get(0).equals("api")) {
      group = "";
      start = 2;
    } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      start = 3;
    } else {
      return new Target("", null, null, null);
    }
    List<String> rest = parts.subList(start, parts.size());
    String namespace = null;
    // "namespaces/NS/..." addresses objects in NS; "namespaces" or "namespaces/NS" alone is the
    // Namespace resource itself.
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    if (rest.size() > 2) {
      resource = resource + "/" + rest.get(2);
    }
    return new Target(group, resource, name, namespace);
  }

  private record Target(String group, String resource, String name, String namespace) {}
}
