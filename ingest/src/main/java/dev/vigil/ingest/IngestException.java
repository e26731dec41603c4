package dev.vigil.ingest;

/**
 * Why a whole ingest request was refused. Each subclass maps to one HTTP status and carries a message
 * that tells the client what to do.
 */
public abstract class IngestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  IngestException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Short machine-readable code, used as {@code error} of the {@code ApiError} body. */
  public abstract String errorCode();
}
