package io.shopstack.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.k8s.SkyWalkingRules.Oap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Layer 3, observability: what the stack mounts into SkyWalking OAP fits together. The shop's MAL
 * file is active beside OAP's defaults and reads only meters that the services' main code
 * registers; the alarm rules and the shop dashboard show only metrics that those rules define; the
 * gateway's endpoints with ids are grouped by route; OAP, UI and BanyanDB are versions that accept
 * each other. Broken fixtures show each of these being caught.
 */
class SkyWalkingRulesTest {

  @TestFactory
  Stream<DynamicTest> everyRenderPasses() {
    return Fixtures.everyRenderPasses(
        "meterFiles",
        "meterSamples",
        "alarmMetrics",
        "dashboardMetrics",
        "endpointGrouping",
        "versions");
  }

  /** The checks above pass on the stack because it mounts the files, not because it has none. */
  @Test
  void theStackMountsTheShopFilesIntoOap() {
    List<Oap> oaps = SkyWalkingRules.oaps(Renders.all().get("k8s"));
    assertThat(oaps).hasSize(1);
    Oap oap = oaps.get(0);
    assertThat(oap.meterFiles()).containsOnlyKeys("shop");
    assertThat(oap.files())
        .containsKeys(
            SkyWalkingRules.ALARMS,
            SkyWalkingRules.GROUPING,
            SkyWalkingRules.TEMPLATES + "custom/shop-service.json");
    assertThat(oap.env().get(SkyWalkingRules.ACTIVE_FILES))
        .isEqualTo(String.join(",", SkyWalkingRules.DEFAULT_METER_FILES) + ",shop");
    assertThat(SkyWalkingRules.definedMetrics(oap))
        .containsExactlyInAnyOrder(
            "meter_shop_orders_placed",
            "meter_shop_orders_reservation_calls",
            "meter_shop_orders_reservation_duration",
            "meter_shop_orders_reservation_percentile",
            "meter_shop_orders_pending",
            "meter_shop_inventory_reservations");
  }

  @Test
  void theServicesRegisterTheShopMetersUnderTheirSkyWalkingNames() {
    Map<String, String> meters = ServiceSources.meters();
    assertThat(meters)
        .containsKeys(
            "shop_orders_placed",
            "shop_orders_reservation_count",
            "shop_orders_reservation_sum",
            "shop_orders_reservation_max",
            "shop_orders_reservation_histogram",
            "shop_orders_pending",
            "shop_inventory_reservations");
    assertThat(meters.get("shop_orders_placed")).startsWith("order-service/");
    assertThat(meters.get("shop_inventory_reservations")).startsWith("inventory-service/");
  }

  @Test
  void theGatewayRoutesReachTheServicesControllers() {
    assertThat(ServiceSources.gatewayEndpoints().stream().map(ServiceSources.Endpoint::name))
        .contains(
            "POST:/api/orders",
            "GET:/api/orders/{id}",
            "POST:/api/orders/{id}/cancel",
            "GET:/api/admin/orders",
            "GET:/api/inventory/items",
            "GET:/api/inventory/items/{sku}")
        .noneMatch(name -> name.contains("/internal/"));
  }

  /** The cases of OAP's own EndpointGroupingRuleReaderTest (v10.4.0), and the method prefix. */
  @Test
  void groupsLikeOapsQuickMatch() {
    PatternTree tree = new PatternTree(List.of("/prod/{var}", "POST:/api/orders/{var}/cancel"));
    assertThat(tree.match("/prod/123")).contains("/prod/{var}");
    assertThat(tree.match("/prod/")).isEmpty();
    assertThat(tree.match("/prod/123/456")).isEmpty();
    assertThat(tree.match("POST:/api/orders/b44a04b0/cancel"))
        .contains("POST:/api/orders/{var}/cancel");
    assertThat(tree.match("POST:/api/orders/b44a04b0")).isEqualTo(Optional.empty());
  }

  @Test
  void readsTheNamesOfMalAndMqeExpressions() {
    assertThat(
            SkyWalkingRules.malSamples(
                "shop_orders_placed.sum(['service', 'instance']).increase('PT1M')"
                    + " / other_meter.tag({tags -> tags.x = 'y'}).downsampling(SUM)"))
        .containsExactly("shop_orders_placed", "other_meter");
    assertThat(
            SkyWalkingRules.mqeMetrics(
                "sum(aggregate_labels(meter_a{outcome='pending'}, sum(outcome))"
                    + " / aggregate_labels(meter_b, sum) > 0.05) >= 3"))
        .containsExactly("meter_a", "meter_b");
    assertThat(
            SkyWalkingRules.mqeMetrics(
                "relabels(service_percentile{p='50,99'},p='50,99',percentile='50,99')"))
        .containsExactly("service_percentile");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "meterFiles       | meter-file-not-active.yaml     | does not name shop, so OAP never reads it",
        "meterFiles       | meter-defaults-dropped.yaml    | drops OAP 10.4.0's default meter files",
        "meterFiles       | meter-file-missing.yaml        | names shops, which is neither in the image",
        "meterSamples     | meter-unregistered-sample.yaml | reads shop_orders_shipped, which no service's main code registers",
        "alarmMetrics     | alarm-unknown-metric.yaml      | names metric meter_shop_orders_lost, which no mounted MAL rule defines",
        "alarmMetrics     | alarm-rule-ignored.yaml        | shop_orders_pending is ignored by OAP",
        "dashboardMetrics | dashboard-unknown-metric.yaml  | shows metric meter_shop_orders_shipped",
        "endpointGrouping | grouping-missing-route.yaml    | reaches POST:/api/orders/{id}/cancel",
        "endpointGrouping | grouping-renames-literal.yaml  | renames the gateway's GET:/api/inventory/items",
        "endpointGrouping | grouping-stale-rule.yaml       | GET:/api/orders/{var}/items of service gateway matches no path",
        "versions         | ui-other-version.yaml          | UI [10.3.0] and OAP [10.4.0] differ",
        "versions         | banyandb-other-minor.yaml      | BanyanDB 0.9.0 has API version 0.9, but OAP [10.4.0] accepts only [0.10]",
        "versions         | oap-not-in-table.yaml          | OAP 11.0.0 is not in the table of BanyanDB API versions",
      })
  void rejectsBrokenOapConfiguration(String check, String fixture, String message) {
    Fixtures.rejects(check, "broken/skywalking-rules/" + fixture, message);
  }
}
