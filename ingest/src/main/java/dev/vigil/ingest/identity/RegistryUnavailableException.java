package dev.vigil.ingest.identity;

/**
 * The registry could not make a change: Kafka did not acknowledge it, or the registry has not finished
 * reading Kafka. Worth a retry; the HTTP routes answer it {@code 503 kafka_unavailable}.
 */
public final class RegistryUnavailableException extends RuntimeException {
  RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
