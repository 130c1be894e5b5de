package io.shopstack.defaults.client;

import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;

/**
 * Adds this service's own access token (client credentials) to a request: {@code
 * builder.requestInterceptor(credentials)}. The token belongs to the service, not to the person
 * whose request it is serving, so it is kept under the client's name and shared by all requests. A
 * 401 or 403 answer drops it, so the next call fetches a new one.
 */
public class ServiceCredentials implements ClientHttpRequestInterceptor {

  private final OAuth2ClientHttpRequestInterceptor delegate;

  ServiceCredentials(
      OAuth2AuthorizedClientManager manager,
      OAuth2AuthorizedClientService clients,
      String clientId) {
    UsernamePasswordAuthenticationToken self =
        UsernamePasswordAuthenticationToken.authenticated(clientId, null, List.of());
    delegate = new OAuth2ClientHttpRequestInterceptor(manager);
    delegate.setClientRegistrationIdResolver(
        request -> ServiceCredentialsAutoConfiguration.REGISTRATION);
    delegate.setPrincipalResolver(request -> self);
    delegate.setAuthorizationFailureHandler(
        OAuth2ClientHttpRequestInterceptor.authorizationFailureHandler(clients));
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    return delegate.intercept(request, body, execution);
  }
}
