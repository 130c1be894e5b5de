package io.shopstack.gateway.routes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * One line per routed request: method, path, the service, the answer's status and the time it took.
 * It carries the request and trace ids like every line (the log pattern), so the gateway's part of
 * a request shows beside order-service's and inventory-service's lines, in the log and in
 * SkyWalking's Log tab of the trace. The path only: no query string, no header, no body (a token
 * never appears). Turn it off with {@code logging.level.io.shopstack.gateway.access=warn}.
 */
final class AccessLog implements HandlerFilterFunction<ServerResponse, ServerResponse> {

  static final String LOGGER = "io.shopstack.gateway.access";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private final String serviceId;

  AccessLog(String serviceId) {
    this.serviceId = serviceId;
  }

  @Override
  public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next)
      throws Exception {
    if (!log.isInfoEnabled()) {
      return next.handle(request);
    }
    long started = System.nanoTime();
    ServerResponse response = next.handle(request);
    log.info(
        "{} {} -> {}: {} in {} ms",
        request.method(),
        request.path(),
        serviceId,
        response.statusCode().value(),
        (System.nanoTime() - started) / 1_000_000);
    return response;
  }
}
