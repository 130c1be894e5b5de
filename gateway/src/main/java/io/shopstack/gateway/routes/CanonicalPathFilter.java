package io.shopstack.gateway.routes;

import io.shopstack.defaults.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

/**
 * Refuses (400) a request whose path is not the path the server resolved it to: dot segments
 * ({@code /../}, also encoded), {@code ;} parameters, doubled slashes. The routes match and forward
 * the path as the client sent it, while the service behind resolves it: without this check {@code
 * /api/orders/../../internal/orders/pending} would match the order route and then reach the
 * service's internal API.
 */
class CanonicalPathFilter extends OncePerRequestFilter {

  private final ProblemWriter problems;

  CanonicalPathFilter(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String sent =
        UriUtils.decode(
            request.getRequestURI().substring(request.getContextPath().length()),
            StandardCharsets.UTF_8);
    String resolved =
        request.getServletPath() + Objects.requireNonNullElse(request.getPathInfo(), "");
    if (!sent.equals(resolved)) {
      ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
      problem.setTitle("Invalid request path");
      problem.setDetail("The path must not contain '.' or '..' segments, ';' or '//'.");
      problems.write(request, response, problem);
      return;
    }
    chain.doFilter(request, response);
  }
}
