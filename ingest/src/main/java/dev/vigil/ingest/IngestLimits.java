package dev.vigil.ingest;

import java.time.Duration;

/**
 * Bounds of the ingest gateway. Every limit exists so that a misbehaving or hostile client costs a
 * bounded amount of memory and time, and is told so with a status it can act on.
 *
 * @param maxBodyBytes largest request body, checked on the bytes received and again on the
 *     decompressed bytes of a gzip body (default 12 MiB)
 * @param maxInFlightBytes decoded event bytes that may wait for Kafka acknowledgement at once across
 *     all requests; beyond it requests are refused with 503 instead of queued (default 64 MiB)
 * @param ackTimeout how long a request waits for Kafka to acknowledge its records before it is
 *     answered 503; records still in the producer may be delivered later, so a client retry can
 *     duplicate events but never lose them (default 5 s)
 * @param maxReportedErrors how many rejected items are described in a response (default 10)
 * @param retryAfterSeconds value of {@code Retry-After} on 503 answers (default 5)
 * @param bodyTimeout longest time from a request's headers to the end of its body; a slower body
 *     (slowloris) is answered 408 and its connection closed (default 30 s)
 * @param requestsPerSecond sustained ingest requests per second allowed to one token; beyond it
 *     requests are answered 429 with {@code Retry-After} (default 100)
 * @param burst ingest requests one token may send at once above the sustained rate (default 200)
 */
public record IngestLimits(
    long maxBodyBytes,
    long maxInFlightBytes,
    Duration ackTimeout,
    int maxReportedErrors,
    int retryAfterSeconds,
    Duration bodyTimeout,
    double requestsPerSecond,
    int burst) {

  public static final long DEFAULT_MAX_BODY_BYTES = 12L * 1024 * 1024;
  public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 64L * 1024 * 1024;
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_REPORTED_ERRORS = 10;
  public static final int DEFAULT_RETRY_AFTER_SECONDS = 5;
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
  public static final double DEFAULT_REQUESTS_PER_SECOND = 100;
  public static final int DEFAULT_BURST = 200;

  public IngestLimits {
    if (maxBodyBytes <= 0 || maxBodyBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxBodyBytes must be in 1.." + (Integer.MAX_VALUE - 16));
    }
    if (maxInFlightBytes < maxBodyBytes) {
      throw new IllegalArgumentException(
          "maxInFlightBytes (" + maxInFlightBytes + ") must be at least maxBodyBytes (" + maxBodyBytes
              + ") or no full-size request could ever be accepted");
    }
    if (ackTimeout == null || ackTimeout.isNegative() || ackTimeout.isZero()) {
      throw new IllegalArgumentException("ackTimeout must be positive");
    }
    if (maxReportedErrors < 0) {
      throw new IllegalArgumentException("maxReportedErrors must not be negative");
    }
    if (retryAfterSeconds < 1) {
      throw new IllegalArgumentException("retryAfterSeconds must be at least 1");
    }
    if (bodyTimeout == null || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
      throw new IllegalArgumentException("bodyTimeout must be positive");
    }
    if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException("requestsPerSecond must be a positive number");
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1");
    }
  }

  public static IngestLimits defaults() {
    return new IngestLimits(
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_MAX_IN_FLIGHT_BYTES,
        DEFAULT_ACK_TIMEOUT,
        DEFAULT_MAX_REPORTED_ERRORS,
        DEFAULT_RETRY_AFTER_SECONDS,
        DEFAULT_BODY_TIMEOUT,
        DEFAULT_REQUESTS_PER_SECOND,
        DEFAULT_BURST);
  }

  public IngestLimits withMaxBodyBytes(long bytes) {
    return new IngestLimits(
        bytes,
        Math.max(bytes, maxInFlightBytes),
        ackTimeout,
        maxReportedErrors,
        retryAfterSeconds,
        bodyTimeout,
        requestsPerSecond,
        burst);
  }

  public IngestLimits withMaxInFlightBytes(long bytes) {
    return new IngestLimits(
        maxBodyBytes,
        bytes,
        ackTimeout,
        maxReportedErrors,
        retryAfterSeconds,
        bodyTimeout,
        requestsPerSecond,
        burst);
  }

  public IngestLimits withAckTimeout(Duration timeout) {
    return new IngestLimits(
        maxBodyBytes,
        maxInFlightBytes,
        timeout,
        maxReportedErrors,
        retryAfterSeconds,
        bodyTimeout,
        requestsPerSecond,
        burst);
  }

  public IngestLimits withBodyTimeout(Duration timeout) {
    return new IngestLimits(
        maxBodyBytes,
        maxInFlightBytes,
        ackTimeout,
        maxReportedErrors,
        retryAfterSeconds,
        timeout,
        requestsPerSecond,
        burst);
  }

  /** The per-token rate limit of ingest requests: a sustained rate and a burst above it. */
  public IngestLimits withRateLimit(double perSecond, int burstRequests) {
    return new IngestLimits(
        maxBodyBytes,
        maxInFlightBytes,
        ackTimeout,
        maxReportedErrors,
        retryAfterSeconds,
        bodyTimeout,
        perSecond,
        burstRequests);
  }
}
