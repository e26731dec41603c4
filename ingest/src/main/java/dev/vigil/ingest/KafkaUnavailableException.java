package dev.vigil.ingest;

/**
 * Kafka did not acknowledge the records in time, or refused them: HTTP 503 with {@code Retry-After}.
 * Some events of the request may still have been written; a retry can duplicate events but the
 * gateway never reports as accepted what Kafka did not acknowledge.
 */
public final class KafkaUnavailableException extends IngestException {
  private static final long serialVersionUID = 1L;

  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String errorCode() {
    return "kafka_unavailable";
  }
}
