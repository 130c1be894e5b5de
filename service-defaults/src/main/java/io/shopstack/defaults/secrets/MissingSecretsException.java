package io.shopstack.defaults.secrets;

import java.util.List;
import java.util.Locale;

/** Secrets that a service cannot start without, and where each one is expected. */
public class MissingSecretsException extends RuntimeException {

  private final String application;
  private final List<String> properties;
  private final String directory;

  public MissingSecretsException(String application, List<String> properties, String directory) {
    super(
        application
            + " cannot start: no value for "
            + String.join(", ", properties)
            + ". Expected "
            + String.join(
                "; ", properties.stream().map(p -> whereExpected(p, directory)).toList()));
    this.application = application;
    this.properties = List.copyOf(properties);
    this.directory = directory;
  }

  public String application() {
    return application;
  }

  public List<String> properties() {
    return properties;
  }

  public String directory() {
    return directory;
  }

  static String whereExpected(String property, String directory) {
    return "the file "
        + file(property, directory)
        + " or the environment variable "
        + environmentVariable(property);
  }

  static String file(String property, String directory) {
    return directory.endsWith("/") ? directory + property : directory + "/" + property;
  }

  static String environmentVariable(String property) {
    return property.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
  }
}
