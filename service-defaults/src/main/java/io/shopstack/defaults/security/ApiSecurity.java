package io.shopstack.defaults.security;

import io.shopstack.defaults.web.ProblemWriter;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.resource.OAuth2ResourceServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The part of a service's security that is the same everywhere: a stateless OAuth2 resource server
 * that takes a JWT bearer token (validated by Boot from the {@code
 * spring.security.oauth2.resourceserver.jwt.*} settings of shop-defaults.properties: signature
 * against auth-server's JWK set, issuer, audience = this service's name, RS256 only), turns its
 * scopes and roles into authorities ({@link ShopAuthorities}) and answers 401 and 403 with problem
 * documents ({@link SecurityProblems}). The service gives only its own rules.
 *
 * <p>The actuator (on its own port in every deployment, reached by the kubelet's probes and
 * Prometheus, which present no token) is open; a path that no rule names needs a valid token.
 */
public class ApiSecurity {

  private final ProblemWriter problems;

  public ApiSecurity(ProblemWriter problems) {
    this.problems = problems;
  }

  /**
   * The service's filter chain.
   *
   * @param rules the service's own rules, for example {@code rules ->
   *     rules.requestMatchers("/api/orders/**").hasAuthority("SCOPE_orders")}
   */
  public SecurityFilterChain filterChain(
      HttpSecurity http,
      Customizer<
              AuthorizeHttpRequestsConfigurer<HttpSecurity>
                  .AuthorizationManagerRequestMatcherRegistry>
          rules)
      throws Exception {
    SecurityProblems answers = new SecurityProblems(problems);
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .authorizeHttpRequests(
            authorize -> {
              authorize.requestMatchers(EndpointRequest.toAnyEndpoint()).permitAll();
              // Spring MVC's error page, which a problem answer may be forwarded to.
              authorize.requestMatchers("/error").permitAll();
              rules.customize(authorize);
              authorize.anyRequest().authenticated();
            })
        .oauth2ResourceServer(
            (OAuth2ResourceServerConfigurer<HttpSecurity> server) ->
                server
                    .jwt(Customizer.withDefaults())
                    .authenticationEntryPoint(answers)
                    .accessDeniedHandler(answers))
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(answers).accessDeniedHandler(answers));
    return http.build();
  }
}
