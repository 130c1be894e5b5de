package io.shopstack.defaults.security;

import io.shopstack.defaults.web.ProblemWriter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

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
  ApiSecurity apiSecurity(ProblemWriter problems) {
    return new ApiSecurity(problems);
  }

  @Bean
  @ConditionalOnMissingBean
  JwtAuthenticationConverter jwtAuthenticationConverter() {
    JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
    converter.setJwtGrantedAuthoritiesConverter(new ShopAuthorities());
    return converter;
  }
}
