package dev.vigil.detection.stateful;

import dev.vigil.detection.spi.DetectorInfo;

/**
 * A rule over several events, in plain Java. It is one of the kinds the streams layer runs: a
 * {@link WindowRule} (distinct things within a window), a {@link BaselineRule} (what a subject never
 * did), a {@link SequenceRule} (one step, then another) or the {@link ThreatIntelRule}; the streams
 * layer supplies the named, versioned stores, event time and wall-clock reporting ({@link
 * StatefulTopology}). Stateful rules are registered in the detector catalogue beside the
 * single-event detectors.
 */
public interface StatefulRule {

  /** What this rule raises. */
  DetectorInfo info();

  /**
   * The stable name its processors and stores are named after ({@code forbidden-burst} gives the
   * processor {@code forbidden-burst-detect-v1} and the store {@code forbidden-burst-v2}): renaming a
   * rule would leave its state behind.
   */
  String name();
}
