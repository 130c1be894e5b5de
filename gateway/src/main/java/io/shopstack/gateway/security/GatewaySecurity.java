package io.shopstack.gateway.security;

import io.shopstack.defaults.security.ApiSecurity;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may use which route. The gateway refuses what it can tell is wrong (no token, a bad one, the
 * wrong scope or role) before any service sees the request, and relays the token unchanged: each
 * service validates it again and applies its own rules (a pod reached from inside the cluster is
 * not trusted because of where the call came from).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class GatewaySecurity {

  @Bean
  SecurityFilterChain gatewayFilterChain(HttpSecurity http, ApiSecurity api) throws Exception {
    return api.filterChain(
        http,
        rules ->
            rules
                // The catalogue is public (a token, if sent, must still be valid).
                .requestMatchers(HttpMethod.GET, "/api/inventory/**")
                .permitAll()
                .requestMatchers("/api/admin/**")
                .hasRole("OPERATOR")
                .requestMatchers("/api/orders/**", "/api/orders")
                .hasAuthority("SCOPE_orders"));
  }
}
