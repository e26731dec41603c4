package dev.vigil.alerts;

/** A query parameter of {@code GET /v1/alerts} has a value that is not allowed; the message says why. */
public final class InvalidFilterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String parameter;

  public InvalidFilterException(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  /** The name of the offending query parameter. */
  public String parameter() {
    return parameter;
  }
}
