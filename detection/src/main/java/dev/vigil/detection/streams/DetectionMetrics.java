package dev.vigil.detection.streams;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The counters of the detection topology. */
final class DetectionMetrics {

  /** Audit records by outcome; Prometheus {@code vigil_detection_events_total}. */
  static final String EVENTS = "vigil.detection.events";
  /** Findings by alert type; Prometheus {@code vigil_findings_total}. */
  static final String FINDINGS = "vigil.findings";
  /** Detector exceptions by alert type; Prometheus {@code vigil_detector_errors_total}. */
  static final String DETECTOR_ERRORS = "vigil.detector.errors";

  private final MeterRegistry registry;
  private final Counter processed;
  private final Counter rejected;
  private final Counter skippedStage;
  private final Counter historical;
  private final Map<String, Counter> findings = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();

  DetectionMetrics(MeterRegistry registry, DetectorCatalogue catalogue) {
    this.registry = registry;
    this.processed = events("processed", "events evaluated by the detectors");
    this.rejected = events("rejected", "records sent to the DLQ");
    this.skippedStage =
        events("skipped_stage", "events of a stage that is not evaluated, or a repeated stage");
    this.historical =
        events("historical", "backfilled events older than the backfill horizon: baselines only");
    // Registered up front so that every type shows a zero before its first finding.
    for (String type : catalogue.alertTypes()) {
      finding(type);
      error(type);
    }
  }

  private Counter events(String result, String description) {
    return Counter.builder(EVENTS)
        .description("Audit records read by detection, by result: " + description)
        .tag("result", result)
        .register(registry);
  }

  void processed() {
    processed.increment();
  }

  Counter historicalCounter() {
    return historical;
  }

  void rejected() {
    rejected.increment();
  }

  void skippedStage() {
    skippedStage.increment();
  }

  void findingRaised(String alertType) {
    finding(alertType).increment();
  }

  void detectorFailed(String alertType) {
    error(alertType).increment();
  }

  private Counter finding(String alertType) {
    return findings.computeIfAbsent(
        alertType,
        type ->
            Counter.builder(FINDINGS)
                .description("Findings written to the findings topic, by alert type")
                .tag("type", type)
                .register(registry));
  }

  private Counter error(String alertType) {
    return errors.computeIfAbsent(
        alertType,
        type ->
            Counter.builder(DETECTOR_ERRORS)
                .description("Events a detector threw on (the event was still evaluated by the others)")
                .tag("type", type)
                .register(registry));
  }
}
