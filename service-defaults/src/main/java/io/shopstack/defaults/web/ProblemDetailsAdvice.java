package io.shopstack.defaults.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.core.NestedRuntimeException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.ClassUtils;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every error into an RFC 9457 problem document with a status that says whose fault it was:
 * Spring MVC's own exceptions (via {@link ResponseEntityExceptionHandler}), a service's {@link
 * org.springframework.web.ErrorResponseException}s, validation failures with the offending fields
 * listed in {@code errors}, unreadable JSON with the reason, and finally anything unexpected as a
 * 500 that reveals nothing but the request id.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

  private final ProblemWriter problems;

  public ProblemDetailsAdvice(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<Map<String, String>> errors = new ArrayList<>();
    ex.getBindingResult()
        .getFieldErrors()
        .forEach(e -> errors.add(error(e.getField(), e.getDefaultMessage())));
    return handleExceptionInternal(
        ex,
        invalid(ex.getBody(), "The request has invalid fields.", errors),
        headers,
        status,
        request);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<Map<String, String>> errors = new ArrayList<>();
    for (ParameterValidationResult result : ex.getParameterValidationResults()) {
      if (result instanceof ParameterErrors body) {
        // A @Valid body validated together with constrained parameters: name its fields.
        body.getFieldErrors().forEach(e -> errors.add(error(e.getField(), e.getDefaultMessage())));
        body.getGlobalErrors()
            .forEach(e -> errors.add(error(e.getObjectName(), e.getDefaultMessage())));
      } else {
        String name = String.valueOf(result.getMethodParameter().getParameterName());
        result.getResolvableErrors().forEach(e -> errors.add(error(name, e.getDefaultMessage())));
      }
    }
    return handleExceptionInternal(
        ex,
        invalid(ex.getBody(), "The request has invalid parameters.", errors),
        headers,
        status,
        request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (ex.contains(RequestBodyLimitFilter.BodyTooLargeException.class)) {
      ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.CONTENT_TOO_LARGE);
      problem.setTitle("Request body too large");
      problem.setDetail(ex.getMostSpecificCause().getMessage());
      return handleExceptionInternal(ex, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
    }
    ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
    problem.setTitle("Unreadable request body");
    problem.setDetail(describe(ex));
    return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException ex, WebRequest request) {
    ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
    problem.setTitle("Invalid request");
    problem.setDetail("Parameter '%s' has an invalid value.".formatted(ex.getName()));
    return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<Object> constraintViolation(ConstraintViolationException ex, WebRequest request) {
    ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
    problem.setTitle("Invalid request");
    problem.setDetail(
        ex.getConstraintViolations().stream()
            .map(v -> v.getPropertyPath() + ": " + v.getMessage())
            .sorted()
            .collect(Collectors.joining("; ")));
    return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
    DatabaseFailures.Failure database = JDBC ? DatabaseFailures.of(ex).orElse(null) : null;
    if (database != null) {
      // Not a bug, and nothing to fix in the request: the client may retry later.
      log.warn("Database {}: {}", database.name().toLowerCase(Locale.ROOT), mostSpecific(ex));
      ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.SERVICE_UNAVAILABLE);
      problem.setTitle("Service unavailable");
      problem.setDetail(
          database == DatabaseFailures.Failure.BUSY
              ? "The service has no free database connection; try again later."
              : "The service cannot reach its database; try again later.");
      HttpHeaders headers = new HttpHeaders();
      headers.set(HttpHeaders.RETRY_AFTER, "5");
      return handleExceptionInternal(ex, problem, headers, HttpStatus.SERVICE_UNAVAILABLE, request);
    }
    log.error("Unexpected error", ex);
    ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.INTERNAL_SERVER_ERROR);
    problem.setTitle("Internal error");
    problem.setDetail("The request could not be completed; quote the requestId when reporting it.");
    return handleExceptionInternal(
        ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (body == null && ex instanceof ErrorResponse errorResponse) {
      body = errorResponse.updateAndGetBody(getMessageSource(), LocaleContextHolder.getLocale());
    }
    if (body == null) {
      body = createProblemDetail(ex, status, null, null, null, request);
    }
    if (body instanceof ProblemDetail problem && request instanceof NativeWebRequest web) {
      problems.enrich(problem, web.getNativeRequest(HttpServletRequest.class));
    }
    return super.handleExceptionInternal(ex, body, headers, status, request);
  }

  /** The shape of every 400 about the request's content: what is wrong, field by field. */
  private static ProblemDetail invalid(
      ProblemDetail problem, String detail, List<Map<String, String>> errors) {
    problem.setTitle("Invalid request");
    problem.setDetail(detail);
    errors.sort(Comparator.comparing(m -> m.get("field")));
    problem.setProperty("errors", errors);
    return problem;
  }

  private static Map<String, String> error(String field, String message) {
    return Map.of("field", field, "message", String.valueOf(message));
  }

  private static String describe(HttpMessageNotReadableException ex) {
    Throwable cause = ex.getCause();
    if (cause instanceof UnrecognizedPropertyException unknown) {
      return "Unknown field '%s'.".formatted(path(unknown));
    }
    if (cause instanceof InvalidFormatException invalid) {
      return "Field '%s' has an invalid value.".formatted(path(invalid));
    }
    if (cause instanceof MismatchedInputException mismatched && !path(mismatched).isEmpty()) {
      return "Field '%s' has the wrong type or is missing.".formatted(path(mismatched));
    }
    if (cause instanceof JacksonException) {
      return "The request body is not valid JSON.";
    }
    return "The request body is missing or unreadable.";
  }

  private static String path(DatabindException ex) {
    return ex.getPath().stream()
        .map(
            ref ->
                ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  /** Services without a database have no Spring JDBC, and no database failures. */
  private static final boolean JDBC =
      ClassUtils.isPresent(
          "org.springframework.jdbc.support.SQLStateSQLExceptionTranslator",
          ProblemDetailsAdvice.class.getClassLoader());

  private static String mostSpecific(Throwable ex) {
    return ex instanceof NestedRuntimeException nested
        ? nested.getMostSpecificCause().getMessage()
        : ex.getMessage();
  }
}
