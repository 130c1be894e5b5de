package io.shopstack.defaults;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.defaults.web.CorrelationFilter;
import io.shopstack.defaults.web.ProblemDetailsAdvice;
import io.shopstack.defaults.web.ProblemWriter;
import io.shopstack.defaults.web.RequestBodyLimitFilter;
import io.shopstack.defaults.web.StrictJson;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every part of service-defaults is replaceable: a service that defines its own bean of a type gets
 * its own and not the default, and the rest of the defaults stay in place. Settings bind to {@link
 * ShopProperties}, with its defaults when the service sets nothing.
 */
class ServiceDefaultsBackOffTest {

  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  JacksonAutoConfiguration.class, ServiceDefaultsAutoConfiguration.class));

  @Test
  void withNothingOfItsOwnAServiceGetsEveryDefault() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(ProblemWriter.class);
          assertThat(context).hasSingleBean(ProblemDetailsAdvice.class);
          assertThat(context).hasSingleBean(StrictJson.class);
          assertThat(context).hasBean("correlationFilter");
          assertThat(context).hasBean("requestBodyLimitFilter");
          assertThat(context).hasBean("problemErrorReports");
          assertThat(context.getBean(ShopProperties.class).http().maxRequestBody().toKilobytes())
              .isEqualTo(64);
        });
  }

  @Test
  void aServicesOwnBeansReplaceTheDefaults() {
    runner
        .withUserConfiguration(OwnParts.class)
        .run(
            context -> {
              assertThat(context).getBean(ProblemWriter.class).isSameAs(OwnParts.WRITER);
              assertThat(context).doesNotHaveBean(ProblemDetailsAdvice.class);
              assertThat(context).hasSingleBean(ResponseEntityExceptionHandler.class);
              assertThat(context).doesNotHaveBean("correlationFilter");
              assertThat(context).doesNotHaveBean("requestBodyLimitFilter");
              assertThat(context).hasBean("ownCorrelation").hasBean("ownLimit");
              assertThat(context).hasSingleBean(StrictJson.class).hasBean("ownStrictJson");
            });
  }

  @Test
  void settingsBindToTheRecord() {
    runner
        .withPropertyValues(
            "shop.http.max-request-body=1MB",
            "shop.loadbalancer.eject-for=3s",
            "shop.secrets.directory=/run/secrets")
        .run(
            context -> {
              ShopProperties settings = context.getBean(ShopProperties.class);
              assertThat(settings.http().maxRequestBody().toMegabytes()).isEqualTo(1);
              assertThat(settings.loadbalancer().ejectFor()).hasSeconds(3);
              assertThat(settings.secrets().directory()).isEqualTo("/run/secrets");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnParts {

    static final ProblemWriter WRITER = new ProblemWriter(JsonMapper.builder().build());

    @Bean
    ProblemWriter ownProblemWriter() {
      return WRITER;
    }

    @Bean
    ResponseEntityExceptionHandler ownErrors() {
      return new ResponseEntityExceptionHandler() {};
    }

    @Bean
    FilterRegistrationBean<CorrelationFilter> ownCorrelation() {
      return new FilterRegistrationBean<>(new CorrelationFilter());
    }

    @Bean
    RequestBodyLimitFilter ownLimit() {
      return new RequestBodyLimitFilter(1024, WRITER);
    }

    @Bean
    StrictJson ownStrictJson() {
      return new StrictJson();
    }
  }
}
