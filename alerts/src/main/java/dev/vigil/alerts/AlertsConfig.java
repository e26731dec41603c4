package dev.vigil.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of the alerts topology.
 *
 * @param dedupWindow a finding joins the current alert of its fingerprint when its start time is at
 *     most this long after the alert's {@code endTimeUtc}; otherwise it opens a new alert
 * @param flushInterval how often (wall clock) coalesced updates of existing alerts are published
 * @param meterRegistry where the topology's metrics are registered
 */
public record AlertsConfig(Duration dedupWindow, Duration flushInterval, MeterRegistry meterRegistry) {

  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(1);
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** Environment variable overriding {@link #dedupWindow()}, an ISO-8601 duration such as {@code PT1H}. */
  public static final String ENV_DEDUP_WINDOW = "VIGIL_ALERTS_DEDUP_WINDOW";

  /** Environment variable overriding {@link #flushInterval()}, an ISO-8601 duration such as {@code PT1S}. */
  public static final String ENV_FLUSH_INTERVAL = "VIGIL_ALERTS_FLUSH_INTERVAL";

  public AlertsConfig {
    Objects.requireNonNull(dedupWindow, "dedupWindow");
    Objects.requireNonNull(flushInterval, "flushInterval");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    if (dedupWindow.isNegative() || dedupWindow.isZero()) {
      throw new IllegalArgumentException("dedupWindow must be positive, was " + dedupWindow);
    }
    // Kafka Streams rejects punctuation intervals below one millisecond.
    if (flushInterval.toMillis() < 1) {
      throw new IllegalArgumentException("flushInterval must be at least 1 ms, was " + flushInterval);
    }
  }

  /** The defaults: a one-hour dedup window and a one-second flush. */
  public static AlertsConfig defaults(MeterRegistry meterRegistry) {
    return new AlertsConfig(DEFAULT_DEDUP_WINDOW, DEFAULT_FLUSH_INTERVAL, meterRegistry);
  }

  /**
   * The defaults overridden by {@link #ENV_DEDUP_WINDOW} and {@link #ENV_FLUSH_INTERVAL} when present.
   *
   * @throws IllegalArgumentException naming the variable when a value is not a valid duration
   */
  public static AlertsConfig fromEnvironment(Map<String, String> env, MeterRegistry meterRegistry) {
    return new AlertsConfig(
        duration(env, ENV_DEDUP_WINDOW, DEFAULT_DEDUP_WINDOW),
        duration(env, ENV_FLUSH_INTERVAL, DEFAULT_FLUSH_INTERVAL),
        meterRegistry);
  }

  public AlertsConfig withDedupWindow(Duration window) {
    return new AlertsConfig(window, flushInterval, meterRegistry);
  }

  public AlertsConfig withFlushInterval(Duration interval) {
    return new AlertsConfig(dedupWindow, interval, meterRegistry);
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Duration.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " must be an ISO-8601 duration such as PT1H or PT0.5S, was '" + value + "'", e);
    }
  }
}
