package io.shopstack.defaults.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * A service calls another whose answer has a field it does not know yet, as after the other was
 * updated first: the client built from Boot's RestClient.Builder reads the answer all the same. A
 * request body with a field the service does not know is still refused with 400.
 */
@SpringBootTest(
    classes = TolerantJsonResponsesTest.TestApp.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")
class TolerantJsonResponsesTest {

  @Autowired RestClient.Builder builder;
  @LocalServerPort int port;

  @Test
  void answersWithUnknownFieldsAreRead() {
    Thing thing = client().get().uri("/newer-thing").retrieve().body(Thing.class);

    assertThat(thing).isEqualTo(new Thing("a", 1));
  }

  @Test
  void requestsWithUnknownFieldsAreStillRefused() {
    HttpStatusCode status =
        client()
            .post()
            .uri("/things")
            .contentType(MediaType.APPLICATION_JSON)
            .body("{\"name\":\"a\",\"count\":1,\"colour\":\"red\"}")
            .exchange((request, response) -> response.getStatusCode());

    assertThat(status.value()).isEqualTo(400);
  }

  private RestClient client() {
    return builder.baseUrl("http://127.0.0.1:" + port).build();
  }

  record Thing(String name, int count) {}

  @SpringBootApplication
  @RestController
  static class TestApp {

    /**
     * An open API, as a service without Spring Security has (service-defaults brings the security
     * starters as optional dependencies, so they are on this test's class path): who may call what
     * is each service's own rule, tested there.
     */
    @org.springframework.context.annotation.Bean
    org.springframework.security.web.SecurityFilterChain openApi(
        org.springframework.security.config.annotation.web.builders.HttpSecurity http)
        throws Exception {
      return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
          .csrf(csrf -> csrf.disable())
          .build();
    }

    @GetMapping("/newer-thing")
    Map<String, Object> newerThing() {
      return Map.of("name", "a", "count", 1, "colour", "red");
    }

    @PostMapping(path = "/things", consumes = MediaType.APPLICATION_JSON_VALUE)
    Thing create(@RequestBody Thing thing) {
      return thing;
    }
  }
}
