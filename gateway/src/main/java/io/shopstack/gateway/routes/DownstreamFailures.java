package io.shopstack.gateway.routes;

import io.shopstack.defaults.loadbalancer.FailedInstances;
import io.shopstack.defaults.web.ProblemWriter;
import io.shopstack.defaults.web.Problems;
import io.shopstack.defaults.web.RequestBodyLimitFilter.BodyTooLargeException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.client.RestClientException;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * What the client gets when a service cannot be reached: 503 when it is down (no instance in
 * discovery, connection refused or not accepted in time, connection closed or reset before an
 * answer), 504 when it took the connection but did not answer in time. Answers that a service did
 * give, errors included, are passed through as they are and never come here.
 *
 * <p>A bodiless request is sent to a second instance when it never reached the first (refused, not
 * connected in time): then no method can have had an effect. A connection closed or reset after the
 * request went out may follow a request the service acted on, so only a safe method (GET, HEAD,
 * OPTIONS: RFC 9110 section 9.2.1) is repeated then; anything else (a cancel, say) gets the problem
 * and the client decides whether to repeat. A read timeout is never repeated: the instance is slow,
 * and a second one would only double the load.
 */
final class DownstreamFailures implements HandlerFilterFunction<ServerResponse, ServerResponse> {

  private static final URI SERVICE_UNAVAILABLE = Problems.type("service-unavailable");
  private static final URI SERVICE_TIMEOUT = Problems.type("service-timeout");

  private static final Logger log = LoggerFactory.getLogger(DownstreamFailures.class);
  private static final java.util.Set<HttpMethod> SAFE_METHODS =
      java.util.Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final String serviceId;
  private final ProblemWriter problems;

  DownstreamFailures(String serviceId, ProblemWriter problems) {
    this.serviceId = serviceId;
    this.problems = problems;
  }

  /**
   * The load balancer reports "no instance" and the HTTP client reports I/O failures as {@link
   * RestClientException}s; anything else is a bug in the gateway and is left to service-defaults.
   */
  @Override
  public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next)
      throws Exception {
    try {
      return next.handle(request);
    } catch (RestClientException e) {
      if (hasBody(request) || !(FailedInstances.neverReached(e) || safeToRepeat(request, e))) {
        return toProblem(e, request);
      }
      // The instance is gone (a rolling update, a crash) and the request never reached it: once
      // more, to an instance that answers (the load balancer now skips the failed one).
      log.info(
          "{} did not take {} {}; trying another instance",
          serviceId,
          request.method(),
          request.path());
      try {
        return next.handle(request);
      } catch (RestClientException again) {
        return toProblem(again, request);
      }
    }
  }

  /** A safe method whose connection was lost without an answer (not a read timeout). */
  private static boolean safeToRepeat(ServerRequest request, RestClientException e) {
    return SAFE_METHODS.contains(request.method()) && FailedInstances.isConnectionFailure(e);
  }

  /**
   * A body is streamed from the client as it is forwarded and can be read only once, so not even a
   * refused request can be sent whole again; one without a body can. The client can still repeat a
   * POST itself: orders carry an idempotency key for that.
   */
  private static boolean hasBody(ServerRequest request) {
    HttpHeaders headers = request.headers().asHttpHeaders();
    return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
  }

  private ServerResponse toProblem(RestClientException error, ServerRequest request) {
    ProblemDetail problem;
    BodyTooLargeException tooLarge = causedBy(error, BodyTooLargeException.class);
    if (tooLarge != null) {
      // A chunked body that grew past the limit while it was being forwarded: the client's fault.
      problem = ProblemDetail.forStatus(HttpStatus.CONTENT_TOO_LARGE);
      problem.setTitle("Request body too large");
      problem.setDetail(tooLarge.getMessage());
    } else if (FailedInstances.isReadTimeout(error)) {
      log.warn("{} did not answer {} {} in time", serviceId, request.method(), request.path());
      problem = ProblemDetail.forStatus(HttpStatus.GATEWAY_TIMEOUT);
      problem.setType(SERVICE_TIMEOUT);
      problem.setTitle("Service timeout");
      problem.setDetail("%s did not answer in time; try again later.".formatted(serviceId));
    } else {
      log.warn("{} is unavailable: {}", serviceId, rootMessage(error));
      problem = ProblemDetail.forStatus(HttpStatus.SERVICE_UNAVAILABLE);
      problem.setType(SERVICE_UNAVAILABLE);
      problem.setTitle("Service unavailable");
      problem.setDetail("%s is unavailable; try again later.".formatted(serviceId));
    }
    problems.enrich(problem, request.servletRequest());
    return ServerResponse.status(problem.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  private static <T extends Throwable> T causedBy(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
