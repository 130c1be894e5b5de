package io.shopstack.defaults.web;

import io.shopstack.defaults.tracing.Traces;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Adds what every problem document of this stack carries (the request path as {@code instance},
 * {@code requestId}, {@code traceId} when there is one), and writes problems from places that run
 * before Spring MVC (servlet filters, Tomcat's own refusals) with the same JSON message converter
 * and the same mapper (Boot's, with its problem-details mix-in) as Spring MVC does.
 */
public class ProblemWriter {

  private final JacksonJsonHttpMessageConverter converter;

  public ProblemWriter(JsonMapper json) {
    this.converter = new JacksonJsonHttpMessageConverter(json);
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

  /** Answers the request with the problem, enriched. */
  public void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
      throws IOException {
    send(response, enrich(problem, request));
  }

  /** Answers with the problem as it is. */
  public void send(HttpServletResponse response, ProblemDetail problem) throws IOException {
    response.setStatus(problem.getStatus());
    ServletServerHttpResponse output = new ServletServerHttpResponse(response);
    converter.write(problem, MediaType.APPLICATION_PROBLEM_JSON, output);
    output.flush();
  }
}
