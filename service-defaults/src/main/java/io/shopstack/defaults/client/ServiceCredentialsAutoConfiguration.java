package io.shopstack.defaults.client;

import io.shopstack.defaults.ShopProperties;
import io.shopstack.defaults.secrets.MissingSecretsException;
import io.shopstack.defaults.security.AuthServerHttp;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * For a service that calls others as itself (order-service to inventory-service, the batch job to
 * order-service): a {@link ServiceCredentials} interceptor that adds an access token of the
 * client-credentials grant, from the client registration {@value #REGISTRATION} ({@code
 * spring.security.oauth2.client.registration.shop.*} in the service's application.yaml; the secret
 * is the file or variable {@code shop.auth.client-secret}).
 *
 * <p>Tokens are fetched once and reused until they are about to expire, by a manager that does not
 * depend on a web request (Spring Security's {@code
 * AuthorizedClientServiceOAuth2AuthorizedClientManager}), so the batch job, which has none, works
 * the same.
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration")
@ConditionalOnClass(OAuth2ClientHttpRequestInterceptor.class)
@ConditionalOnBean(ClientRegistrationRepository.class)
@EnableConfigurationProperties(ShopProperties.class)
public class ServiceCredentialsAutoConfiguration {

  /** The client registration a service authenticates with. */
  public static final String REGISTRATION = "shop";

  @Bean
  @ConditionalOnMissingBean
  OAuth2AuthorizedClientManager serviceAuthorizedClientManager(
      ClientRegistrationRepository registrations, OAuth2AuthorizedClientService clients) {
    AuthorizedClientServiceOAuth2AuthorizedClientManager manager =
        new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, clients);
    // The token endpoint with bounded waits (AuthServerHttp), and Spring Security's own reading
    // of its answers and errors, as its default client has them.
    RestClientClientCredentialsTokenResponseClient tokens =
        new RestClientClientCredentialsTokenResponseClient();
    tokens.setRestClient(
        RestClient.builder()
            .requestFactory(AuthServerHttp.requestFactory())
            .messageConverters(
                converters -> {
                  converters.add(0, new FormHttpMessageConverter());
                  converters.add(0, new OAuth2AccessTokenResponseHttpMessageConverter());
                })
            .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
            .build());
    manager.setAuthorizedClientProvider(
        OAuth2AuthorizedClientProviderBuilder.builder()
            .clientCredentials(credentials -> credentials.accessTokenResponseClient(tokens))
            .build());
    // One caller at a time: when there is no valid token (the first call, or one about to expire),
    // the first caller fetches it and the others then find it, instead of a burst of requests (200
    // orders at once in FailureBehaviourIT) each asking auth-server for a token of its own. With a
    // valid token the call only reads it.
    Object oneAtATime = new Object();
    return request -> {
      synchronized (oneAtATime) {
        return manager.authorize(request);
      }
    };
  }

  @Bean
  @ConditionalOnMissingBean
  ServiceCredentials serviceCredentials(
      OAuth2AuthorizedClientManager manager,
      OAuth2AuthorizedClientService clients,
      ClientRegistrationRepository registrations,
      @Value("${spring.application.name:service}") String application,
      ShopProperties settings) {
    ClientRegistration registration = registrations.findByRegistrationId(REGISTRATION);
    if (registration == null) {
      throw new IllegalStateException(
          "No client registration '"
              + REGISTRATION
              + "' (spring.security.oauth2.client.registration."
              + REGISTRATION
              + ".*)");
    }
    if (!StringUtils.hasText(registration.getClientSecret())) {
      throw new MissingSecretsException(
          application,
          java.util.List.of("shop.auth.client-secret"),
          settings.secrets().directory());
    }
    return new ServiceCredentials(manager, clients, registration.getClientId());
  }
}
