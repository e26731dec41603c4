package dev.vigil.ingest;

/**
 * Too much data is already waiting for Kafka acknowledgement: HTTP 503 with {@code Retry-After}. The
 * gateway refuses instead of queueing without bound.
 */
public final class GatewayOverloadedException extends IngestException {
  private static final long serialVersionUID = 1L;

  GatewayOverloadedException(long inFlightBytes, long limit) {
    super(
        "the gateway has "
            + inFlightBytes
            + " bytes waiting for Kafka (limit "
            + limit
            + "); retry later",
        null);
  }

  @Override
  public String errorCode() {
    return "overloaded";
  }
}
