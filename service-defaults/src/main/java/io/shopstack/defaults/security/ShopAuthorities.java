package io.shopstack.defaults.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * The authorities of an access token of auth-server: {@code SCOPE_<scope>} for each scope (what a
 * client may do, Spring's default) and {@code ROLE_<ROLE>} for each entry of its {@code roles}
 * claim (who a person is: {@code customer} or {@code operator}; machines have none).
 */
public class ShopAuthorities implements Converter<Jwt, Collection<GrantedAuthority>> {

  public static final String ROLES_CLAIM = "roles";

  private final JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();

  @Override
  public Collection<GrantedAuthority> convert(Jwt jwt) {
    List<GrantedAuthority> authorities = new ArrayList<>(scopes.convert(jwt));
    List<String> roles = jwt.getClaimAsStringList(ROLES_CLAIM);
    if (roles != null) {
      roles.forEach(
          role ->
              authorities.add(new SimpleGrantedAuthority("ROLE_" + role.toUpperCase(Locale.ROOT))));
    }
    return authorities;
  }
}
