package dev.vigil.agent;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Retry delays: exponential from the initial delay up to the maximum, with "equal jitter" (half the
 * delay fixed, half random) so agents on many nodes that failed together do not retry together, and
 * never retry at once. A server's {@code Retry-After} wins over the computed delay.
 */
final class Backoff {
  /** A server asking for more than this is still retried after this long. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;

  Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The delay before retry number {@code attempt} (1 for the first retry). */
  Duration delay(int attempt) {
    long ceiling = initial.toMillis();
    for (int i = 1; i < attempt && ceiling < max.toMillis(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, max.toMillis());
    long half = Math.max(1, ceiling / 2);
    return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
  }

  /**
   * A {@code Retry-After} value: delay-seconds or an HTTP date, capped at {@link #MAX_RETRY_AFTER};
   * empty when absent or unreadable.
   */
  static Optional<Duration> retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    Duration wait;
    try {
      wait = Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException notSeconds) {
      try {
        wait =
            Duration.between(
                now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
    if (wait.isNegative()) {
      wait = Duration.ZERO;
    }
    return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
  }
}
