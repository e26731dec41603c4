package dev.vigil.ingest;

/** The body cannot be read at all (not JSON, not gzip, empty): HTTP 400, nothing was accepted. */
public final class MalformedBodyException extends IngestException {
  private static final long serialVersionUID = 1L;

  MalformedBodyException(String message) {
    super(message, null);
  }

  MalformedBodyException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String errorCode() {
    return "malformed_body";
  }
}
