package io.shopstack.defaults.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The stack's problem types, all under one base URI, and the problems a service throws: Spring MVC
 * answers an {@link ErrorResponseException} with its problem as it is, and service-defaults adds
 * {@code instance}, {@code requestId} and {@code traceId}.
 */
public final class Problems {

  public static final String TYPE_BASE = "https://shop.example/problems/";

  private Problems() {}

  /** For example {@code type("insufficient-stock")}. */
  public static URI type(String name) {
    return URI.create(TYPE_BASE + name);
  }

  public static ProblemDetail of(HttpStatusCode status, String type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(type(type));
    problem.setTitle(title);
    return problem;
  }

  /** A problem of one of the stack's types, with these extra members, to throw. */
  public static ErrorResponseException error(
      HttpStatusCode status, String type, String title, String detail, Map<String, ?> members) {
    ProblemDetail problem = of(status, type, title, detail);
    members.forEach(problem::setProperty);
    return new ErrorResponseException(status, problem, null);
  }

  /**
   * A 400 in the shape of bean validation's: {@code errors} lists each field and what is wrong with
   * it.
   */
  public static ErrorResponseException invalid(String detail, List<Map<String, String>> errors) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    problem.setTitle("Invalid request");
    problem.setProperty("errors", errors);
    return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
  }
}
