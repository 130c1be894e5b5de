package io.shopstack.defaults.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A service that only depends on service-defaults gets problem details for every kind of error,
 * request ids on every answer, no trace id header without an agent, and the shared settings. The
 * test application below is such a service with one endpoint per kind of failure.
 */
@SpringBootTest(classes = ServiceDefaultsWebTest.TestApp.class)
@AutoConfigureMockMvc
class ServiceDefaultsWebTest {

  @Autowired MockMvc mvc;
  @Autowired Environment environment;

  @Test
  void validationErrorsListTheFields() throws Exception {
    mvc.perform(
            post("/things")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"\",\"count\":0}"))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(400))
        .andExpect(jsonPath("$.instance").value("/things"))
        .andExpect(jsonPath("$.errors[*].field", hasItem("name")))
        .andExpect(jsonPath("$.errors[*].field", hasItem("count")))
        .andExpect(jsonPath("$.requestId").isNotEmpty())
        .andExpect(jsonPath("$.traceId").doesNotExist());
  }

  @Test
  void bodyFieldsKeepTheirNamesWhenParametersAreValidatedToo() throws Exception {
    mvc.perform(
            post("/things/ab")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"x\",\"count\":0}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[*].field", hasItem("count")))
        .andExpect(jsonPath("$.errors[*].field", hasItem("id")));
  }

  @Test
  void numbersAreNotCoerced() throws Exception {
    for (String count : new String[] {"1.5", "\"2\"", "true"}) {
      mvc.perform(
              post("/things")
                  .contentType(MediaType.APPLICATION_JSON)
                  .content("{\"name\":\"a\",\"count\":" + count + "}"))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.detail", startsWith("Field 'count'")));
    }
  }

  @Test
  void numbersAreNotTurnedIntoStrings() throws Exception {
    for (String name : new String[] {"7", "7.5", "false"}) {
      mvc.perform(
              post("/things")
                  .contentType(MediaType.APPLICATION_JSON)
                  .content("{\"name\":" + name + ",\"count\":1}"))
          .andExpect(status().isBadRequest())
          .andExpect(jsonPath("$.detail", startsWith("Field 'name'")));
    }
  }

  @Test
  void unknownFieldsAreRejectedByName() throws Exception {
    mvc.perform(
            post("/things")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"a\",\"count\":1,\"price\":3}"))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.detail").value("Unknown field 'price'."));
  }

  @Test
  void malformedJsonAndWrongTypesAreClientErrors() throws Exception {
    mvc.perform(post("/things").contentType(MediaType.APPLICATION_JSON).content("{\"name\":"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.title").value("Unreadable request body"));
    mvc.perform(
            post("/things")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"a\",\"count\":\"many\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail", startsWith("Field 'count'")));
  }

  @Test
  void wrongContentTypeMethodAndPathGetTheirStatus() throws Exception {
    mvc.perform(post("/things").contentType(MediaType.TEXT_PLAIN).content("x"))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
    mvc.perform(get("/things"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
    mvc.perform(get("/nowhere"))
        .andExpect(status().isNotFound())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
  }

  @Test
  void oversizedBodiesAreRefusedWith413() throws Exception {
    String huge = "{\"name\":\"" + "x".repeat(70 * 1024) + "\",\"count\":1}";
    mvc.perform(post("/things").contentType(MediaType.APPLICATION_JSON).content(huge))
        .andExpect(status().isContentTooLarge())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(413))
        .andExpect(jsonPath("$.instance").value("/things"));
  }

  @Test
  void domainErrorsKeepTheirTypeAndProperties() throws Exception {
    mvc.perform(get("/things/7/conflict"))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.type").value("https://shop.example/problems/test-conflict"))
        .andExpect(jsonPath("$.thing").value("7"))
        .andExpect(jsonPath("$.requestId").isNotEmpty());
  }

  @Test
  void unexpectedErrorsRevealNothing() throws Exception {
    mvc.perform(get("/things/7/boom"))
        .andExpect(status().isInternalServerError())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.detail", startsWith("The request could not be completed")))
        .andExpect(
            result ->
                assertThat(result.getResponse().getContentAsString()).doesNotContain("secret"));
  }

  @Test
  void anUnreachableDatabaseIsA503ToRetryNotAServerError() throws Exception {
    mvc.perform(get("/things/7/no-database"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(header().string("Retry-After", "5"))
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.title").value("Service unavailable"))
        .andExpect(jsonPath("$.detail", startsWith("The service cannot reach its database")));
  }

  @Test
  void aPoolWithNoFreeConnectionIsA503ThatSaysSo() throws Exception {
    mvc.perform(get("/things/7/busy-database"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(header().string("Retry-After", "5"))
        .andExpect(jsonPath("$.title").value("Service unavailable"))
        .andExpect(jsonPath("$.detail", startsWith("The service has no free database connection")));
  }

  @Test
  void aDatabaseThatAnswersWithAnErrorIsNoOutage() throws Exception {
    mvc.perform(get("/things/7/duplicate"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.title").value("Internal error"));
  }

  @Test
  void aConnectionLostMidTransactionIsA503Too() throws Exception {
    mvc.perform(get("/things/7/lost-connection"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(jsonPath("$.title").value("Service unavailable"));
  }

  @Test
  void requestIdIsKeptWhenWellFormedAndReplacedOtherwise() throws Exception {
    mvc.perform(get("/echo-request-id").header(CorrelationFilter.REQUEST_ID, "abc-123"))
        .andExpect(header().string(CorrelationFilter.REQUEST_ID, "abc-123"))
        .andExpect(content().string("abc-123"))
        .andExpect(header().doesNotExist(CorrelationFilter.TRACE_ID));

    String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    var generated =
        mvc.perform(get("/echo-request-id").header(CorrelationFilter.REQUEST_ID, "bad id\u0007"))
            .andExpect(header().string(CorrelationFilter.REQUEST_ID, matchesPattern(uuid)))
            .andReturn()
            .getResponse();
    assertThat(generated.getContentAsString())
        .as("code downstream sees the id the client gets back")
        .isEqualTo(generated.getHeader(CorrelationFilter.REQUEST_ID));
  }

  @Test
  void sharedSettingsAreInPlaceAndOverridable() {
    assertThat(environment.getProperty("spring.threads.virtual.enabled")).isEqualTo("false");
    assertThat(environment.getProperty("management.endpoints.web.exposure.include"))
        .isEqualTo("health,info,prometheus");
    assertThat(environment.getProperty("server.shutdown")).isEqualTo("graceful");
  }

  record Thing(@NotBlank String name, @Min(1) int count) {}

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

    @PostMapping(path = "/things", consumes = MediaType.APPLICATION_JSON_VALUE)
    Thing create(@Valid @RequestBody Thing thing) {
      return thing;
    }

    @PostMapping(path = "/things/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Thing update(
        @PathVariable @Pattern(regexp = "[0-9]+") String id, @Valid @RequestBody Thing thing) {
      return thing;
    }

    @GetMapping("/things/{id}/conflict")
    Thing conflict(@PathVariable String id) {
      ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.CONFLICT);
      problem.setType(URI.create("https://shop.example/problems/test-conflict"));
      problem.setProperty("thing", id);
      throw new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }

    @GetMapping("/things/{id}/boom")
    Thing boom(@PathVariable String id) {
      throw new IllegalStateException("secret internals");
    }

    @GetMapping("/things/{id}/no-database")
    Thing noDatabase(@PathVariable String id) {
      // What Spring's JDBC support throws when the pool cannot hand out a connection because
      // connecting fails: HikariCP's timeout carries the SQL state of the last failed attempt.
      throw new org.springframework.jdbc.CannotGetJdbcConnectionException(
          "Failed to obtain JDBC Connection",
          new java.sql.SQLTransientConnectionException(
              "HikariPool-1 - Connection is not available, request timed out after 5000ms",
              "08001",
              new java.sql.SQLException("Connection to 127.0.0.1:5432 refused", "08001")));
    }

    @GetMapping("/things/{id}/busy-database")
    Thing busyDatabase(@PathVariable String id) {
      // Every connection was in use for the whole timeout; no connection attempt failed.
      throw new org.springframework.transaction.CannotCreateTransactionException(
          "Could not open JDBC Connection for transaction",
          new java.sql.SQLTransientConnectionException(
              "HikariPool-1 - Connection is not available, request timed out after 5000ms"));
    }

    @GetMapping("/things/{id}/duplicate")
    Thing duplicate(@PathVariable String id) {
      // A database that answers, with a bug of the service: a 500, not a 503.
      throw new org.springframework.dao.DuplicateKeyException(
          "duplicate key", new java.sql.SQLException("duplicate key value", "23505"));
    }

    @GetMapping("/things/{id}/lost-connection")
    Thing lostConnection(@PathVariable String id) {
      // The statement failed on a dropped connection (SQL state 08006), then the rollback failed
      // on the closed connection: Spring throws the rollback failure and keeps the first aside.
      var rollback =
          new org.springframework.transaction.TransactionSystemException(
              "JDBC rollback failed", new java.sql.SQLException("Connection is closed"));
      rollback.initApplicationException(
          new java.sql.SQLException("An I/O error occurred while sending to the backend", "08006"));
      throw rollback;
    }

    @GetMapping("/echo-request-id")
    String echo(HttpServletRequest request) {
      return request.getHeader(CorrelationFilter.REQUEST_ID);
    }
  }
}
