package io.shopstack.defaults.client;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every HTTP client that a service builds from Boot's {@code RestClient.Builder} gets (and
 * from Boot itself: the {@code spring.http.clients.*} settings, metrics and traces): {@link
 * TolerantJsonResponses}.
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(RestClientCustomizer.class)
@ConditionalOnBean(JsonMapper.class)
public class ClientDefaultsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  TolerantJsonResponses tolerantJsonResponses(JsonMapper json) {
    return new TolerantJsonResponses(json);
  }
}
