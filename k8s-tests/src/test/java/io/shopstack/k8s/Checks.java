package io.shopstack.k8s;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every check by the name the tests run it under. A check takes one rendered set of objects and
 * returns its violations, one readable sentence each; an empty list means the set passes. Each
 * family of checks is a class of its own, with its broken fixtures under {@code broken/}.
 */
final class Checks {

  static final Map<String, Function<List<JsonObject>, List<String>>> ALL = new LinkedHashMap<>();

  static {
    // CrossReferenceTest
    ALL.put("selectors", ReferenceRules::selectorsMatchTemplates);
    ALL.put("services", ReferenceRules::servicesSelectPods);
    ALL.put("references", ReferenceRules::referencesExist);
    ALL.put("addresses", AddressRules::addressesResolve);
    ALL.put("networkPolicies", NetworkPolicyRules::networkPoliciesSelectPods);
    // SkyWalkingWiringTest
    ALL.put("skywalking", SkyWalkingWiringRules::skywalkingWiring);
    // PolicyTest
    ALL.put("hardening", Checks::hardening);
    ALL.put("rollouts", RolloutRules::rollouts);
    ALL.put("rbac", ApiAccessRules::rbac);
    ALL.put("labels", LabelRules::labelsAndAnnotations);
    // OperationsTest
    ALL.put("memory", MemoryRules::jvmMemory);
    ALL.put("startup", StartupRules::dependenciesAwaited);
    ALL.put("singletons", StartupRules::singletonsRecreate);
    ALL.put("spread", SchedulingRules::spreadPerWorkload);
    ALL.put("emptyDirs", HygieneRules::emptyDirsLimited);
    ALL.put("images", HygieneRules::imagesPinned);
    ALL.put("jobs", HygieneRules::noBareJobs);
    ALL.put("internetEgress", HygieneRules::noEgressToTheInternet);
    ALL.put("connections", DatabaseRules::poolsFitTheDatabase);
    // SkyWalkingRulesTest
    ALL.put("meterFiles", SkyWalkingRules::meterFilesActive);
    ALL.put(
        "meterSamples",
        o -> SkyWalkingRules.meterRulesReadRegisteredMeters(o, ServiceSources.meters()));
    ALL.put("alarmMetrics", SkyWalkingRules::alarmsUseDefinedMetrics);
    ALL.put("dashboardMetrics", SkyWalkingRules::templatesUseDefinedMetrics);
    ALL.put(
        "endpointGrouping",
        o -> SkyWalkingRules.groupingCoversGatewayRoutes(o, ServiceSources.gatewayEndpoints()));
    ALL.put("versions", SkyWalkingRules::versionsFit);
    // SatelliteTest
    ALL.put("relays", SatelliteRules::relays);
  }

  private Checks() {}

  /**
   * A pod is hardened only when three families hold at once, so they stay one check: its security
   * context, its requests, limits and probes, and its API token.
   */
  private static List<String> hardening(List<JsonObject> objects) {
    List<String> violations =
        new ArrayList<>(SecurityContextRules.podsAndContainersRestricted(objects));
    violations.addAll(ProbeAndResourceRules.requestsAndLimits(objects));
    violations.addAll(ProbeAndResourceRules.probes(objects));
    violations.addAll(ApiAccessRules.tokensOnlyWhereBound(objects));
    return violations;
  }
}
