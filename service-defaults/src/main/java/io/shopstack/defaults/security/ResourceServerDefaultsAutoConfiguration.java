package io.shopstack.defaults.security;

import io.shopstack.defaults.web.ProblemWriter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.JwkSetUriJwtDecoderBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.client.RestTemplate;

/**
 * For a service that is an OAuth2 resource server (it brings Boot's resource-server starter): the
 * {@link ApiSecurity} its filter chain is built with, and the token-to-authorities mapping that
 * Spring Security's JWT support picks up. Each bean can be replaced by the service's own.
 */
@AutoConfiguration(afterName = "io.shopstack.defaults.ServiceDefaultsAutoConfiguration")
@ConditionalOnClass(JwtAuthenticationToken.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class ResourceServerDefaultsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ApiSecurity apiSecurity(ProblemWriter problems, Environment environment) {
    return new ApiSecurity(problems, environment);
  }

  @Bean
  @ConditionalOnMissingBean
  JwtAuthenticationConverter jwtAuthenticationConverter() {
    JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
    converter.setJwtGrantedAuthoritiesConverter(new ShopAuthorities());
    return converter;
  }

  /**
   * The JWK set is fetched with bounded waits, on the JDK's HTTP client (Spring Security's default
   * RestTemplate has none, so a slow auth-server would hold every request that needs a new key),
   * and not through HttpURLConnection, whose SkyWalking plugin fails on JDK 25. Only where Boot's
   * resource-server auto-configuration is (auth-server has Spring Security's resource server for
   * its user-info endpoint, but not Boot's).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JwkSetUriJwtDecoderBuilderCustomizer.class)
  static class JwkSetFetch {

    @Bean
    JwkSetUriJwtDecoderBuilderCustomizer jwkSetFetchWithTimeouts() {
      return builder -> builder.restOperations(new RestTemplate(AuthServerHttp.requestFactory()));
    }
  }
}
