package io.shopstack.defaults.web;

import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat refuses some requests before any servlet sees them (an encoded slash or a NUL byte in the
 * path, a malformed request line) and answers with its own HTML page. This valve answers those with
 * a problem document written like every other error of the stack ({@link ProblemWriter}). No {@code
 * instance}: the path of such a request is what was wrong with it.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  private final ProblemWriter problems;

  public ProblemErrorReportValve(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    HttpStatus known = HttpStatus.resolve(status);
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatusCode.valueOf(status), "The request could not be processed as sent.");
    problem.setTitle(known != null ? known.getReasonPhrase() : "Error");
    try {
      problems.send(response, problem);
      response.finishResponse();
    } catch (IOException | IllegalStateException e) {
      // the connection is gone; nothing left to tell the client
    }
  }
}
