package io.shopstack.auth;

import static org.springframework.security.config.Customizer.withDefaults;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * Spring Authorization Server as its reference configuration has it (one filter chain for the
 * protocol endpoints, one with the login form for people), with the stack's own parts: the shared
 * signing key, the demo users, and what each access token says: its audience (the services it is
 * for, per client) and, for a person, their role.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  /** The protocol endpoints: authorize, token, JWK set, discovery, OIDC user info. */
  @Bean
  @Order(1)
  SecurityFilterChain authorizationServerEndpoints(HttpSecurity http) throws Exception {
    http.oauth2AuthorizationServer(
            server -> {
              http.securityMatcher(server.getEndpointsMatcher());
              server.oidc(withDefaults());
            })
        .authorizeHttpRequests(authorize -> authorize.anyRequest().authenticated())
        // The OIDC user info endpoint takes the access token.
        .oauth2ResourceServer(server -> server.jwt(withDefaults()))
        // A person who is not logged in yet is sent to the login form, as a browser expects.
        .exceptionHandling(
            exceptions ->
                exceptions.defaultAuthenticationEntryPointFor(
                    new LoginUrlAuthenticationEntryPoint("/login"),
                    new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
    return http.build();
  }

  /** The login form, and the actuator (on its own port, reached only by the kubelet's probes). */
  @Bean
  @Order(2)
  SecurityFilterChain loginForm(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            authorize ->
                authorize
                    .requestMatchers(EndpointRequest.toAnyEndpoint())
                    .permitAll()
                    .requestMatchers("/error")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .formLogin(withDefaults());
    return http.build();
  }

  @Bean
  SigningKeys signingKeys(AuthProperties properties) {
    return SigningKeys.of(properties.signingKey(), properties.verificationKeys());
  }

  @Bean
  JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
    return new ImmutableJWKSet<>(keys.jwkSet());
  }

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  /**
   * The people who can log in. A password without an encoding prefix (a demo value) is stored as
   * {@code {noop}}; a real deployment gives encoded ones ({@code {bcrypt}...}).
   */
  @Bean
  UserDetailsService users(AuthProperties properties) {
    InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
    properties
        .users()
        .forEach(
            (name, user) ->
                users.createUser(
                    User.withUsername(name)
                        .password(
                            user.password().startsWith("{")
                                ? user.password()
                                : "{noop}" + user.password())
                        .roles(user.role().toUpperCase(Locale.ROOT))
                        .build()));
    return users;
  }

  /**
   * Every token names the signing key in its header (the JWK set may hold more than one). An access
   * token's audience is its client's, from {@code shop.auth.clients.<id>.audience}; a person's
   * access token also carries their role in {@code roles} (a machine's has none: what it may do is
   * its scopes).
   */
  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> tokenClaims(
      AuthProperties properties, SigningKeys keys) {
    return context -> {
      context.getJwsHeader().keyId(keys.signingKeyId());
      if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
        return;
      }
      String clientId = context.getRegisteredClient().getClientId();
      AuthProperties.Client client = properties.clients().get(clientId);
      context.getClaims().audience(client == null ? List.of() : client.audience());
      if (context.getPrincipal().getPrincipal() instanceof User) {
        List<String> roles =
            context.getPrincipal().getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(authority -> authority.startsWith("ROLE_"))
                .map(authority -> authority.substring(5).toLowerCase(Locale.ROOT))
                .toList();
        context.getClaims().claim("roles", roles);
      }
    };
  }
}
