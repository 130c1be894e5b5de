package io.shopstack.gateway.routes;

import static org.springframework.cloud.gateway.server.mvc.filter.LoadBalancerFilterFunctions.lb;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.web.servlet.function.RequestPredicates.path;

import io.shopstack.defaults.tracing.Traces;
import io.shopstack.defaults.web.CorrelationFilter;
import io.shopstack.defaults.web.ProblemWriter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cloud.gateway.server.mvc.filter.HttpHeadersFilter.ResponseHttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The only routes of the gateway: each service's public API prefix (and order-service's operator
 * API, {@code /api/admin/orders}) goes, unchanged, to an instance of that service chosen by Spring
 * Cloud LoadBalancer from discovery. Nothing else is routed, so the services' {@code /internal/**}
 * and {@code /actuator/**} stay unreachable from outside.
 *
 * <p>The routes are Java rather than {@code spring.cloud.gateway.server.webmvc.routes} properties
 * (which do accept {@code lb://} URIs) because each route wraps the load balancer in a filter of
 * our own, {@link DownstreamFailures}: a service that cannot be reached must give a 503 or 504
 * problem naming it, not the 500 that service-defaults gives any unexpected exception.
 */
@Configuration(proxyBeanMethods = false)
class ServiceRoutes {

  @Bean
  RouterFunction<ServerResponse> orderServiceRoute(ProblemWriter problems) {
    return proxy("/api/orders/**", "order-service", problems);
  }

  /** What only operators may do (the gateway and order-service both check the role). */
  @Bean
  RouterFunction<ServerResponse> orderAdministrationRoute(ProblemWriter problems) {
    return proxy("order-administration", "/api/admin/orders/**", "order-service", problems);
  }

  @Bean
  RouterFunction<ServerResponse> inventoryServiceRoute(ProblemWriter problems) {
    return proxy("/api/inventory/**", "inventory-service", problems);
  }

  private static RouterFunction<ServerResponse> proxy(
      String pattern, String serviceId, ProblemWriter problems) {
    return proxy(serviceId, pattern, serviceId, problems);
  }

  private static RouterFunction<ServerResponse> proxy(
      String id, String pattern, String serviceId, ProblemWriter problems) {
    return route(id)
        .route(path(pattern), http())
        // The first filter is the outermost: the access line sees every answer, problems
        // included; DownstreamFailures also sees "no instance" from lb(). (onError() would not:
        // the builder puts error handlers inside all filters.)
        .filter(new AccessLog(serviceId))
        .filter(new DownstreamFailures(serviceId, problems))
        .filter(lb(serviceId))
        .build();
  }

  /**
   * The services echo the request id (and, with an agent, the trace id) that the gateway gave them;
   * the gateway's CorrelationFilter has already set the same values on the response, so the
   * service's copies would only repeat them.
   */
  @Bean
  ResponseHttpHeadersFilter gatewayCorrelationHeaders() {
    return (headers, response) -> {
      HttpHeaders filtered = HttpHeaders.copyOf(headers);
      filtered.remove(CorrelationFilter.REQUEST_ID);
      if (Traces.currentTraceId().isPresent()) {
        filtered.remove(CorrelationFilter.TRACE_ID);
      }
      return filtered;
    };
  }

  @Bean
  FilterRegistrationBean<CanonicalPathFilter> canonicalPathFilter(ProblemWriter problems) {
    FilterRegistrationBean<CanonicalPathFilter> registration =
        new FilterRegistrationBean<>(new CanonicalPathFilter(problems));
    // After service-defaults' CorrelationFilter, so that the problem carries the request id.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }
}
