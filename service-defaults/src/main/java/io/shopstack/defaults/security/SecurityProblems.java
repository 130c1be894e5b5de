package io.shopstack.defaults.security;

import io.shopstack.defaults.web.ProblemWriter;
import io.shopstack.defaults.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 as problem documents, with the {@code WWW-Authenticate} header of RFC 6750 that
 * Spring Security's own handlers set. The detail says why in words of its own (missing, expired,
 * not for this service, not from the trusted issuer, bad signature or format), never quoting the
 * token or the parser's message about it.
 */
class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

  private final ProblemWriter problems;
  private final BearerTokenAuthenticationEntryPoint bearerEntryPoint =
      new BearerTokenAuthenticationEntryPoint();
  private final BearerTokenAccessDeniedHandler bearerDenied = new BearerTokenAccessDeniedHandler();

  SecurityProblems(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    bearerEntryPoint.commence(request, response, failure);
    problems.write(
        request,
        response,
        Problems.of(
            HttpStatus.UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            failure instanceof OAuth2AuthenticationException oauth
                ? "The bearer token was refused: " + reason(oauth) + "."
                : "This request needs a bearer token (Authorization: Bearer ...)."));
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    bearerDenied.handle(request, response, denied);
    problems.write(
        request,
        response,
        Problems.of(
            HttpStatus.FORBIDDEN,
            "forbidden",
            "Forbidden",
            "The token's scopes or role do not allow this request."));
  }

  /** Why a token was refused, classified from Spring Security's error (never quoted). */
  static String reason(OAuth2AuthenticationException failure) {
    String description =
        String.valueOf(failure.getError().getDescription()).toLowerCase(Locale.ROOT);
    if (description.contains("expired")) {
      return "it has expired";
    }
    if (description.contains("aud claim")) {
      return "it is not meant for this service (audience)";
    }
    if (description.contains("iss claim")) {
      return "it was not issued by the issuer this stack trusts";
    }
    if (description.contains("nbf") || description.contains("not before")) {
      return "it is not valid yet";
    }
    return "its signature, algorithm or format is not valid";
  }
}
