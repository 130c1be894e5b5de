package io.shopstack.inventory.security;

import io.shopstack.defaults.security.ApiSecurity;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what, checked here whatever the caller: the catalogue is public; reservations are
 * order-service's (scope {@code inventory:reserve}, its client-credentials token), and operators
 * may look at them; stock administration is the operators' (role).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class InventorySecurity {

  @Bean
  SecurityFilterChain inventoryFilterChain(HttpSecurity http, ApiSecurity api) throws Exception {
    return api.filterChain(
        http,
        rules ->
            rules
                .requestMatchers(HttpMethod.GET, "/api/inventory/**")
                .permitAll()
                .requestMatchers(HttpMethod.GET, "/internal/inventory/reservations/**")
                .hasAnyAuthority("SCOPE_inventory:reserve", "ROLE_OPERATOR")
                .requestMatchers("/internal/inventory/reservations/**")
                .hasAuthority("SCOPE_inventory:reserve")
                .requestMatchers("/internal/inventory/items/**")
                .hasRole("OPERATOR"));
  }
}
