package io.shopstack.defaults.web;

import io.shopstack.defaults.tracing.Traces;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an {@value #REQUEST_ID} (the caller's when well formed, otherwise a new one),
 * puts it in the logging context and the response, and makes it visible to code that forwards the
 * request (the gateway passes it on to the services). When a SkyWalking trace is active, its id is
 * returned in {@value #TRACE_ID} so a user can paste it into the SkyWalking UI.
 */
public class CorrelationFilter extends OncePerRequestFilter {

  public static final String REQUEST_ID = "X-Request-Id";
  public static final String TRACE_ID = "X-Trace-Id";
  public static final String MDC_REQUEST_ID = "requestId";
  public static final String REQUEST_ID_ATTRIBUTE =
      CorrelationFilter.class.getName() + ".requestId";

  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String incoming = request.getHeader(REQUEST_ID);
    String requestId =
        incoming != null && WELL_FORMED.matcher(incoming).matches()
            ? incoming
            : UUID.randomUUID().toString();
    request.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
    response.setHeader(REQUEST_ID, requestId);
    Traces.currentTraceId().ifPresent(id -> response.setHeader(TRACE_ID, id));
    MDC.put(MDC_REQUEST_ID, requestId);
    try {
      chain.doFilter(
          requestId.equals(incoming) ? request : new WithRequestId(request, requestId), response);
    } finally {
      MDC.remove(MDC_REQUEST_ID);
    }
  }

  /** The request as forwarded: its request id header replaced by the one chosen here. */
  private static final class WithRequestId extends HttpServletRequestWrapper {
    private final String requestId;

    WithRequestId(HttpServletRequest request, String requestId) {
      super(request);
      this.requestId = requestId;
    }

    @Override
    public String getHeader(String name) {
      return REQUEST_ID.equalsIgnoreCase(name) ? requestId : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return REQUEST_ID.equalsIgnoreCase(name)
          ? Collections.enumeration(java.util.List.of(requestId))
          : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      java.util.List<String> names = Collections.list(super.getHeaderNames());
      if (names.stream().noneMatch(REQUEST_ID::equalsIgnoreCase)) {
        names.add(REQUEST_ID);
      }
      return Collections.enumeration(names);
    }
  }
}
