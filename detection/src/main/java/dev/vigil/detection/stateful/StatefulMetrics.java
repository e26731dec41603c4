package dev.vigil.detection.stateful;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of one stateful detector. Findings share {@code vigil.findings} with the single-event
 * detectors, so one Prometheus series ({@code vigil_findings_total{type}}) covers every alert type.
 */
final class StatefulMetrics {

  static final String FINDINGS = "vigil.findings";
  /** Events that arrived later than the grace period and were ignored. */
  static final String LATE = "vigil.detection.late";
  /** Findings of backfilled events older than the horizon, learned and not raised. */
  static final String HISTORICAL = "vigil.findings.historical";

  private final Counter findings;
  private final Counter late;
  private final Counter historical;

  StatefulMetrics(MeterRegistry registry, String alertType) {
    this.findings =
        Counter.builder(FINDINGS)
            .description("Findings written to the findings topic, by alert type")
            .tag("type", alertType)
            .register(registry);
    this.late =
        Counter.builder(LATE)
            .description("Events older than a stateful detector's window plus grace, ignored")
            .tag("type", alertType)
            .register(registry);
    this.historical =
        Counter.builder(HISTORICAL)
            .description("Findings not raised because their event was backfilled history older than"
                + " the backfill horizon")
            .tag("type", alertType)
            .register(registry);
  }

  void finding() {
    findings.increment();
  }

  void historical() {
    historical.increment();
  }

  void late() {
    late.increment();
  }
}
