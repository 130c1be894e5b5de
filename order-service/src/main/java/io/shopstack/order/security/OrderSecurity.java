package io.shopstack.order.security;

import io.shopstack.defaults.security.ApiSecurity;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what, checked here whether the request came through the gateway or from inside the
 * cluster: customers their own orders (scope {@code orders}; which orders are theirs is the
 * controller's rule), operators everyone's listing (role), the batch job the internal API (scope
 * {@code orders:settle}, its client-credentials token).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class OrderSecurity {

  @Bean
  SecurityFilterChain orderFilterChain(HttpSecurity http, ApiSecurity api) throws Exception {
    return api.filterChain(
        http,
        rules ->
            rules
                .requestMatchers("/api/admin/**")
                .hasRole("OPERATOR")
                .requestMatchers("/api/orders/**", "/api/orders")
                .hasAuthority("SCOPE_orders")
                .requestMatchers("/internal/orders/**")
                .hasAuthority("SCOPE_orders:settle"));
  }
}
