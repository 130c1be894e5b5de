package io.shopstack.inventory;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.shopstack.defaults.security.ShopAuthorities;
import io.shopstack.inventory.security.InventorySecurity;
import java.util.List;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * For the web-layer tests of one controller: the service's real security rules, and every request
 * authenticated with a token that may do everything here (order-service's scope and the operator
 * role), so that each controller's own behaviour is under test. The rules themselves are
 * InventorySecurityTest's.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(InventorySecurity.class)
public class SliceSecurity {

  @Bean
  MockMvcBuilderCustomizer allowedEverything() {
    return mvc ->
        mvc.defaultRequest(
            get("/")
                .with(
                    jwt()
                        .jwt(
                            token ->
                                token
                                    .subject("oscar")
                                    .claim("scope", List.of("inventory:reserve"))
                                    .claim("roles", List.of("operator")))
                        .authorities(new ShopAuthorities())));
  }
}
