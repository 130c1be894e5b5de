package io.shopstack.order.orders;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.shopstack.defaults.security.ShopAuthorities;
import io.shopstack.order.security.OrderSecurity;
import java.util.List;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * For the web-layer tests of one controller: the service's real security rules, and every request
 * authenticated as the customer alice whose token also has the batch job's scope, so that each
 * controller's own behaviour is under test. The rules themselves are OrderSecurityTest's.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(OrderSecurity.class)
class SliceSecurity {

  @Bean
  MockMvcBuilderCustomizer aliceByDefault() {
    return mvc ->
        mvc.defaultRequest(
            get("/")
                .with(
                    jwt()
                        .jwt(
                            token ->
                                token
                                    .subject("alice")
                                    .claim("scope", List.of("orders", "orders:settle"))
                                    .claim("roles", List.of("customer")))
                        .authorities(new ShopAuthorities())));
  }
}
