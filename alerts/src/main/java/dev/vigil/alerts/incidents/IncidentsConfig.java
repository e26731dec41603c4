package dev.vigil.alerts.incidents;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the incidents topology.
 *
 * @param window an alert joins an incident it shares an entity with when their event times are at
 *     most this far apart; otherwise it opens a new one
 * @param retention how long after an incident's last event its correlation state is kept for late
 *     alerts; the published incident stays on the compacted topic regardless
 */
public record IncidentsConfig(Duration window, Duration retention) {

  public static final Duration DEFAULT_WINDOW = Duration.ofHours(2);
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(1);

  public IncidentsConfig {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(retention, "retention");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the incident window must be positive, was " + window);
    }
    if (retention.isNegative()) {
      throw new IllegalArgumentException("the incident retention must not be negative, was " + retention);
    }
  }

  /** A two-hour window and a day of retention. */
  public static IncidentsConfig defaults() {
    return new IncidentsConfig(DEFAULT_WINDOW, DEFAULT_RETENTION);
  }

  public IncidentsConfig withWindow(Duration window) {
    return new IncidentsConfig(window, retention);
  }
}
