package io.shopstack.defaults.secrets;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link MissingSecretsException} into Spring Boot's "APPLICATION FAILED TO START" report.
 */
public class MissingSecretsFailureAnalyzer
    extends AbstractFailureAnalyzer<MissingSecretsException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MissingSecretsException cause) {
    StringBuilder action =
        new StringBuilder("Provide each missing secret, either as a file or in the environment:\n");
    for (String property : cause.properties()) {
      action
          .append("    - ")
          .append(MissingSecretsException.whereExpected(property, cause.directory()));
      action.append('\n');
    }
    action.append(
        "In Kubernetes the files are the keys of the service's Secret mounted at "
            + cause.directory()
            + " (see k8s/README.md, \"Real secrets\").");
    return new FailureAnalysis(
        cause.application()
            + " has no value for its secret(s) "
            + String.join(", ", cause.properties())
            + ".",
        action.toString(),
        cause);
  }
}
