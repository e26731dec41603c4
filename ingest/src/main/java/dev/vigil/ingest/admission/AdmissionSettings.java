package dev.vigil.ingest.admission;

import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway keeps detection's backlog short.
 *
 * @param maxLag the backlog, in seconds of detection's work, above which clusters sending more than
 *     their fair share are answered 429; below half of it nobody is; {@code PT0S} switches admission
 *     control off
 * @param minClusterRate events/s every cluster may always send, however far behind detection is, so
 *     a quiet cluster's events (and its test alert) always get through
 */
public record AdmissionSettings(Duration maxLag, int minClusterRate) {

  /** Two seconds of work; 500 events/s per cluster. */
  public static final AdmissionSettings DEFAULTS = new AdmissionSettings(Duration.ofSeconds(2), 500);

  public AdmissionSettings {
    Objects.requireNonNull(maxLag, "maxLag");
    if (maxLag.isNegative()) {
      throw new IllegalArgumentException("max detection lag " + maxLag + " must not be negative");
    }
    if (minClusterRate < 1) {
      throw new IllegalArgumentException(
          "minimum cluster rate " + minClusterRate + " must be at least 1 event/s");
    }
  }

  public boolean enabled() {
    return !maxLag.isZero();
  }
}
