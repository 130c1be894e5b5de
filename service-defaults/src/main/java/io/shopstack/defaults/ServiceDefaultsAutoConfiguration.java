package io.shopstack.defaults;

import io.shopstack.defaults.web.CorrelationFilter;
import io.shopstack.defaults.web.ProblemDetailsAdvice;
import io.shopstack.defaults.web.ProblemErrorReportValve;
import io.shopstack.defaults.web.ProblemWriter;
import io.shopstack.defaults.web.RequestBodyLimitFilter;
import io.shopstack.defaults.web.StrictJson;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every servlet service of the stack gets by depending on {@code service-defaults}: request
 * and trace id headers, a request size limit, strict JSON and problem-details errors. Each bean
 * backs off when the service defines its own of the same type; settings are {@link ShopProperties}
 * and {@code shop-defaults.properties}.
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
    beforeName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(ShopProperties.class)
public class ServiceDefaultsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  StrictJson strictJson() {
    return new StrictJson();
  }

  @Bean
  @ConditionalOnMissingBean
  ProblemWriter problemWriter(JsonMapper json) {
    return new ProblemWriter(json);
  }

  /** Before Boot's own problem-details handler, which backs off when there is one. */
  @Bean
  @ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
  ProblemDetailsAdvice problemDetailsAdvice(ProblemWriter problems) {
    return new ProblemDetailsAdvice(problems);
  }

  @Bean
  @ConditionalOnMissingFilterBean(CorrelationFilter.class)
  FilterRegistrationBean<CorrelationFilter> correlationFilter() {
    FilterRegistrationBean<CorrelationFilter> registration =
        new FilterRegistrationBean<>(new CorrelationFilter());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  @ConditionalOnMissingFilterBean(RequestBodyLimitFilter.class)
  FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(
      ShopProperties settings, ProblemWriter problems) {
    FilterRegistrationBean<RequestBodyLimitFilter> registration =
        new FilterRegistrationBean<>(
            new RequestBodyLimitFilter(settings.http().maxRequestBody().toBytes(), problems));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  /** Tomcat's own refusals (before any servlet) as problem documents too. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(TomcatServletWebServerFactory.class)
  static class TomcatRefusals {

    @Bean
    @ConditionalOnMissingBean(name = "problemErrorReports")
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports(
        ProblemWriter problems) {
      return new ProblemErrorReports(problems);
    }
  }

  /**
   * Puts the problem valve in place of the host's error report valves: Boot's (it adds a plain one
   * that hides the server's details), and Tomcat's default, which the host adds at start unless a
   * valve of its configured class is there. Ordered last, so that it runs after Boot's customizer.
   */
  private record ProblemErrorReports(ProblemWriter problems)
      implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
      factory.addContextCustomizers(
          context -> {
            if (context.getParent() instanceof StandardHost host) {
              for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve) {
                  host.getPipeline().removeValve(valve);
                }
              }
              host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
              host.getPipeline().addValve(new ProblemErrorReportValve(problems));
            }
          });
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }
}
