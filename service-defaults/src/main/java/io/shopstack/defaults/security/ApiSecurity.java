package io.shopstack.defaults.security;

import io.shopstack.defaults.web.ProblemWriter;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.core.env.Environment;
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
 *
 * <p>Spring Security names the service's OAuth 2.0 Protected Resource Metadata (RFC 9728) in every
 * {@code WWW-Authenticate} answer ({@code resource_metadata}) and serves it at {@code
 * /.well-known/oauth-protected-resource}; this adds what a client needs to get a token there: the
 * authorization server (the configured issuer, the one the tokens are checked against) and the
 * service's name. (Spring Security fills in the resource's URL and the bearer method, the {@code
 * Authorization} header.)
 */
public class ApiSecurity {

  static final String ISSUER = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

  private final ProblemWriter problems;
  private final String issuer;
  private final String name;

  public ApiSecurity(ProblemWriter problems, Environment environment) {
    this.problems = problems;
    this.issuer = environment.getProperty(ISSUER);
    this.name = environment.getProperty("spring.application.name");
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
                    .protectedResourceMetadata(
                        metadata ->
                            metadata.protectedResourceMetadataCustomizer(
                                resource -> {
                                  if (issuer != null) {
                                    resource.authorizationServer(issuer);
                                  }
                                  if (name != null) {
                                    resource.resourceName(name);
                                  }
                                }))
                    .authenticationEntryPoint(answers)
                    .accessDeniedHandler(answers))
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(answers).accessDeniedHandler(answers));
    return http.build();
  }
}
