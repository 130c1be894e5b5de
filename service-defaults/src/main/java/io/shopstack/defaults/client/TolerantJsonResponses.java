package io.shopstack.defaults.client;

import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers from other services are read with unknown fields ignored: a service that adds a field to
 * its responses must not break the services that call it. What a service accepts stays strict
 * ({@code fail-on-unknown-properties} in shop-defaults.properties); the RestClients built from
 * Boot's {@code RestClient.Builder} read JSON with a copy of the application's mapper that differs
 * only in that.
 */
public class TolerantJsonResponses implements RestClientCustomizer {

  private final JacksonJsonHttpMessageConverter json;

  public TolerantJsonResponses(JsonMapper mapper) {
    this.json =
        new JacksonJsonHttpMessageConverter(
            mapper.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
  }

  @Override
  public void customize(RestClient.Builder builder) {
    // Boot's own customizer sets the strict JSON converter, in no fixed order relative to this one;
    // the finished list is configured last, when the client is built, so this replacement holds.
    builder.configureMessageConverters(
        converters ->
            converters.configureMessageConvertersList(
                list ->
                    list.replaceAll(
                        converter ->
                            converter instanceof JacksonJsonHttpMessageConverter
                                ? json
                                : converter)));
  }
}
