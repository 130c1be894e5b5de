package io.shopstack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.skyscreamer.jsonassert.Customization;
import org.skyscreamer.jsonassert.JSONAssert;
import org.skyscreamer.jsonassert.JSONCompareMode;
import org.skyscreamer.jsonassert.RegularExpressionValueMatcher;
import org.skyscreamer.jsonassert.comparator.CustomComparator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One recorded interaction of a contract ({@code contracts/<consumer>--<provider>/mappings/*.json},
 * WireMock stub mappings), as a provider test or a fake's test replays it: the provider state it
 * needs, the request to send, and the answer the consumer relies on.
 *
 * @param state the mapping's {@code metadata.providerState}
 * @param pathAndQuery {@code url}, or {@code urlPath} with its {@code equalTo} query parameters
 * @param body the {@code equalToJson} request body, or null
 */
public record RecordedInteraction(
    String file,
    String state,
    String method,
    String pathAndQuery,
    String body,
    int status,
    String contentType,
    String jsonBody) {

  private static final JsonMapper json = JsonMapper.builder().build();
  private static final String INSTANT = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";

  /** The interactions recorded in a contract's {@code mappings} directory, by file name. */
  public static List<RecordedInteraction> in(Path mappings) {
    try (Stream<Path> files = Files.list(mappings)) {
      List<RecordedInteraction> all =
          files
              .filter(f -> f.toString().endsWith(".json"))
              .sorted()
              .map(RecordedInteraction::read)
              .toList();
      if (all.isEmpty()) {
        throw new IllegalStateException("No recorded interactions in " + mappings);
      }
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RecordedInteraction read(Path file) {
    JsonNode mapping;
    try {
      mapping = json.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode request = mapping.get("request");
    StringBuilder uri =
        new StringBuilder(
            request.has("url") ? request.get("url").asString() : request.get("urlPath").asString());
    if (request.has("queryParameters")) {
      String separator = "?";
      for (var parameter : request.get("queryParameters").properties()) {
        uri.append(separator).append(parameter.getKey()).append('=');
        uri.append(parameter.getValue().get("equalTo").asString());
        separator = "&";
      }
    }
    JsonNode body =
        request.has("bodyPatterns") ? request.get("bodyPatterns").get(0).get("equalToJson") : null;
    JsonNode response = mapping.get("response");
    return new RecordedInteraction(
        file.getFileName().toString(),
        mapping.get("metadata").get("providerState").asString(),
        request.get("method").asString(),
        uri.toString(),
        body == null ? null : body.toString(),
        response.get("status").asInt(),
        response.get("headers").get("Content-Type").asString(),
        response.get("jsonBody").toString());
  }

  /**
   * Fails unless the answer has the recorded status and content type and contains the recorded
   * body: extra fields are allowed, arrays must have the recorded elements in any order, and {@code
   * createdAt} and {@code updatedAt} need only be instants.
   */
  public void assertAnswered(int actualStatus, String actualContentType, String actualBody) {
    if (actualStatus != status) {
      throw new AssertionError(
          "%s: status %d, recorded %d: %s".formatted(file, actualStatus, status, actualBody));
    }
    if (actualContentType == null || !actualContentType.startsWith(contentType)) {
      throw new AssertionError(
          "%s: Content-Type %s, recorded %s".formatted(file, actualContentType, contentType));
    }
    try {
      JSONAssert.assertEquals(
          file,
          jsonBody,
          actualBody,
          new CustomComparator(
              JSONCompareMode.LENIENT,
              new Customization("**.createdAt", new RegularExpressionValueMatcher<>(INSTANT)),
              new Customization("**.updatedAt", new RegularExpressionValueMatcher<>(INSTANT))));
    } catch (org.json.JSONException e) {
      throw new AssertionError(file + ": the answer is not JSON: " + actualBody, e);
    }
  }

  @Override
  public String toString() {
    return file;
  }
}
