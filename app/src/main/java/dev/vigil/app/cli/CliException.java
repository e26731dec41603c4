package dev.vigil.app.cli;

/** A client-side failure whose message is shown to the user as is. */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
