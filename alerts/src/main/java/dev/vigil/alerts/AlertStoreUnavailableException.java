package dev.vigil.alerts;

/**
 * The alert store cannot be queried right now (the streams application is starting, restoring or
 * stopped). Callers should retry shortly; the HTTP API answers 503 with {@code Retry-After}.
 */
public final class AlertStoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AlertStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
