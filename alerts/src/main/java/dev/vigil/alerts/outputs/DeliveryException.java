package dev.vigil.alerts.outputs;

/** The receiver did not accept a message; the delivery loop retries it. */
public final class DeliveryException extends Exception {
  public DeliveryException(String message) {
    super(message);
  }

  public DeliveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
