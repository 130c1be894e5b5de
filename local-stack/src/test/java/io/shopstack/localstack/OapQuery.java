package io.shopstack.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks a real SkyWalking OAP (its GraphQL query API, HTTP port 12800) what the agents reported: the
 * services, their instances with their attributes, and the instances' JVM metrics (through a
 * metrics query expression). Used by {@link TracingIT} when {@code SHOP_OAP_ADDRESS} points it at
 * an OAP instead of the in-test collector.
 */
final class OapQuery {

  private static final JsonMapper json = JsonMapper.builder().build();
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HHmm");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI graphql;

  OapQuery(URI graphql) {
    this.graphql = graphql;
  }

  List<String> services() {
    JsonNode services = query("query { listServices(layer: \"GENERAL\") { name } }");
    List<String> names = new ArrayList<>();
    services.get("listServices").forEach(s -> names.add(s.get("name").asString()));
    return names;
  }

  /**
   * An instance as OAP's query API answers: its language, which OAP derives from the agent's
   * "language" property and gives as a field of its own (JAVA), not among the attributes, and the
   * other properties the agent reported as attributes.
   */
  record Instance(String language, Map<String, String> attributes) {}

  /** Instance name to the instance. */
  Map<String, Instance> instances(String service) {
    JsonNode answer =
        query(
            """
            query { listInstances(duration: %s, serviceId: "%s") {
              name language attributes { name value } } }"""
                .formatted(lastMinutes(), serviceId(service)));
    Map<String, Instance> instances = new LinkedHashMap<>();
    for (JsonNode instance : answer.get("listInstances")) {
      Map<String, String> attributes = new LinkedHashMap<>();
      instance
          .get("attributes")
          .forEach(a -> attributes.put(a.get("name").asString(), a.get("value").asString()));
      instances.put(
          instance.get("name").asString(),
          new Instance(instance.get("language").asString(), attributes));
    }
    return instances;
  }

  /** Whether OAP has any live-thread count of the instance: it received JVM metrics from it. */
  boolean hasJvmMetrics(String service, String instance) {
    JsonNode answer =
        query(
            """
            query { execExpression(expression: "instance_jvm_thread_live_count",
              entity: { serviceName: "%s", normal: true, serviceInstanceName: "%s" },
              duration: %s) { error results { values { value } } } }"""
                .formatted(service, instance, lastMinutes()));
    for (JsonNode result : answer.get("execExpression").get("results")) {
      for (JsonNode value : result.get("values")) {
        if (!value.get("value").isNull()) {
          return true;
        }
      }
    }
    return false;
  }

  private String serviceId(String service) {
    // OAP's id of a normal service: base64 of the name, ".1".
    return java.util.Base64.getEncoder()
            .encodeToString(service.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + ".1";
  }

  private static String lastMinutes() {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    return "{ start: \"%s\", end: \"%s\", step: MINUTE }"
        .formatted(MINUTE.format(now.minusMinutes(15)), MINUTE.format(now.plusMinutes(1)));
  }

  private JsonNode query(String graphqlQuery) {
    String body = json.writeValueAsString(Map.of("query", graphqlQuery));
    HttpRequest request =
        HttpRequest.newBuilder(graphql)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode answer = json.readTree(response.body());
      if (response.statusCode() != 200 || answer.has("errors")) {
        throw new IllegalStateException("OAP answered " + response.statusCode() + ": " + answer);
      }
      return answer.get("data");
    } catch (IOException e) {
      throw new IllegalStateException("OAP query failed: " + graphql, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
