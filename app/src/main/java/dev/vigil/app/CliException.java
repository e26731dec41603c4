package dev.vigil.app;

/** A client-side failure whose message is shown to the user as is. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
