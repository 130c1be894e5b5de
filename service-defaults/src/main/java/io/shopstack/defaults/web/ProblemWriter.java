package io.shopstack.defaults.web;

import io.shopstack.defaults.tracing.Traces;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Adds what every problem document of this stack carries (the request path as {@code instance},
 * {@code requestId}, {@code traceId} when there is one), and writes problems from places that run
 * before Spring MVC, such as servlet filters.
 */
public class ProblemWriter {

  private final JsonMapper json;

  public ProblemWriter(JsonMapper json) {
    this.json = json;
  }

  public ProblemDetail enrich(ProblemDetail problem, HttpServletRequest request) {
    if (problem.getInstance() == null && request != null) {
      problem.setInstance(URI.create(request.getRequestURI()));
    }
    Object requestId =
        request == null ? null : request.getAttribute(CorrelationFilter.REQUEST_ID_ATTRIBUTE);
    if (requestId != null) {
      problem.setProperty("requestId", requestId);
    }
    Traces.currentTraceId().ifPresent(id -> problem.setProperty("traceId", id));
    return problem;
  }

  public void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
      throws IOException {
    enrich(problem, request);
    response.setStatus(problem.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.getType() == null ? "about:blank" : problem.getType().toString());
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    if (problem.getDetail() != null) {
      body.put("detail", problem.getDetail());
    }
    body.put("instance", String.valueOf(problem.getInstance()));
    if (problem.getProperties() != null) {
      body.putAll(problem.getProperties());
    }
    json.writeValue(response.getOutputStream(), body);
  }
}
