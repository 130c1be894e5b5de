package io.shopstack.defaults.web;

import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** The stack's problem types, all under one base URI, and a problem of one of them. */
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
}
