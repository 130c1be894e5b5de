package io.shopstack.kubernetes;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares the API calls a service made with the rules of its Role: every call must be allowed, and
 * every verb a rule grants on a resource must have been used by some call.
 */
final class Rbac {

  private Rbac() {}

  /** What is wrong, one line each; empty when the Role grants exactly what the calls need. */
  static List<String> compare(String account, Role role, Collection<ApiRequest> requests) {
    String namespace = role.getMetadata().getNamespace();
    List<PolicyRule> rules = role.getRules();
    List<String> problems = new ArrayList<>();
    Set<String> denied = new TreeSet<>();
    for (ApiRequest request : requests) {
      if (!request.isDiscovery()
          && rules.stream().noneMatch(rule -> allows(rule, namespace, request))) {
        denied.add(request.toString());
      }
    }
    denied.forEach(
        call -> problems.add(account + " needs a permission its Role does not grant: " + call));
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            boolean used =
                requests.stream()
                    .anyMatch(
                        r ->
                            !r.isDiscovery()
                                && r.apiGroup().equals(group)
                                && r.resource().equals(resource)
                                && r.verb().equals(verb)
                                && allows(rule, namespace, r));
            if (!used) {
              problems.add(
                  account
                      + "'s Role grants what it never uses: "
                      + verb
                      + " "
                      + (group.isEmpty() ? "" : group + "/")
                      + resource);
            }
          }
        }
      }
    }
    return problems;
  }

  /** True when some rule of the Role allows the call; discovery paths are open to everyone. */
  static boolean allows(Role role, ApiRequest request) {
    return request.isDiscovery()
        || role.getRules().stream()
            .anyMatch(rule -> allows(rule, role.getMetadata().getNamespace(), request));
  }

  /**
   * A rule of a Role allows calls in the Role's namespace only. Wildcards are refused by k8s-tests,
   * so none are handled here.
   */
  static boolean allows(PolicyRule rule, String namespace, ApiRequest request) {
    return namespace.equals(request.namespace())
        && rule.getApiGroups().contains(request.apiGroup())
        && rule.getResources().contains(request.resource())
        && rule.getVerbs().contains(request.verb())
        && (rule.getResourceNames() == null
            || rule.getResourceNames().isEmpty()
            || rule.getResourceNames().contains(request.name()));
  }
}
