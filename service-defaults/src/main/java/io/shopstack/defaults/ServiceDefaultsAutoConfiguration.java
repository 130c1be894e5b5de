package io.shopstack.defaults;

import io.shopstack.defaults.web.CorrelationFilter;
import io.shopstack.defaults.web.ProblemDetailsAdvice;
import io.shopstack.defaults.web.ProblemErrorReportValve;
import io.shopstack.defaults.web.ProblemWriter;
import io.shopstack.defaults.web.RequestBodyLimitFilter;
import io.shopstack.defaults.web.StrictJson;
import org.apache.catalina.core.StandardHost;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every servlet service of the stack gets by depending on {@code service-defaults}: request
 * and trace id headers, a request size limit and problem-details errors. Settings come from {@code
 * shop-defaults.properties}.
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
    beforeName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class ServiceDefaultsAutoConfiguration {

  @Bean
  JsonMapperBuilderCustomizer strictJson() {
    return new StrictJson();
  }

  /** Tomcat's own refusals (before any servlet) as problem documents too. */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
    return factory ->
        factory.addContextCustomizers(
            context -> {
              if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
              }
            });
  }

  @Bean
  ProblemWriter problemWriter(JsonMapper json) {
    return new ProblemWriter(json);
  }

  @Bean
  ProblemDetailsAdvice problemDetailsAdvice(ProblemWriter problems) {
    return new ProblemDetailsAdvice(problems);
  }

  @Bean
  FilterRegistrationBean<CorrelationFilter> correlationFilter() {
    FilterRegistrationBean<CorrelationFilter> registration =
        new FilterRegistrationBean<>(new CorrelationFilter());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(
      @Value("${shop.http.max-request-body}") DataSize limit, ProblemWriter problems) {
    FilterRegistrationBean<RequestBodyLimitFilter> registration =
        new FilterRegistrationBean<>(new RequestBodyLimitFilter(limit.toBytes(), problems));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }
}
