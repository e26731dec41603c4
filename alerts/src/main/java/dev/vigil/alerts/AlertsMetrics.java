package dev.vigil.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The meters of the alerts topology; one instance is shared by every task of the application. */
final class AlertsMetrics {
  static final String PUBLISHED = "vigil.alerts.published";
  static final String LATENCY = "vigil.alert.latency";
  static final String INVALID_FINDINGS = "vigil.alerts.findings.invalid";
  static final String STATUS_CHANGES = "vigil.alerts.status.changes";
  static final String REDELIVERED_FINDINGS = "vigil.alerts.findings.redelivered";
  /** Tag {@code change}: a new alert, or an update of one already published. */
  static final String CHANGE_NEW = "new";
  static final String CHANGE_UPDATED = "updated";

  private final MeterRegistry registry;
  private final Counter invalidFindings;
  private final Counter redeliveredFindings;
  private final Counter statusApplied;
  private final Counter statusDropped;
  private final Timer latency;

  AlertsMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.invalidFindings =
        Counter.builder(INVALID_FINDINGS)
            .description("Findings dropped because they lack a fingerprint, workspace, cluster or type")
            .register(registry);
    this.redeliveredFindings =
        Counter.builder(REDELIVERED_FINDINGS)
            .description(
                "Findings not counted again: the event they stand for is already in the alert's audit ids"
                    + " (a client retried an event the gateway had written)")
            .register(registry);
    this.statusApplied = statusChanges(registry, "applied");
    this.statusDropped = statusChanges(registry, "dropped");
    this.latency =
        Timer.builder(LATENCY)
            .description("From gateway receipt of the matching event to publication of the alert")
            .publishPercentileHistogram()
            .serviceLevelObjectives(
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30))
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);
  }

  /** Counts per alert type (a bounded set: the catalogue's types) and per kind of change. */
  private Counter published(String alertType, boolean isNew) {
    return Counter.builder(PUBLISHED)
        .description("Alert records published to vigil.alerts.v1")
        .tag("type", alertType)
        .tag("change", isNew ? CHANGE_NEW : CHANGE_UPDATED)
        .register(registry);
  }

  private static Counter statusChanges(MeterRegistry registry, String result) {
    return Counter.builder(STATUS_CHANGES)
        .description("Triage status changes applied to alerts, or dropped (unknown alert, bad record)")
        .tag("result", result)
        .register(registry);
  }

  void statusChange(boolean applied) {
    (applied ? statusApplied : statusDropped).increment();
  }

  void published(String alertType, boolean isNew, long receivedMs, long nowMs) {
    published(alertType, isNew).increment();
    // receivedMs 0 means the finding did not carry the gateway receipt time: no honest sample exists.
    if (receivedMs > 0) {
      latency.record(Math.max(0, nowMs - receivedMs), TimeUnit.MILLISECONDS);
    }
  }

  void redeliveredFinding() {
    redeliveredFindings.increment();
  }

  void invalidFinding() {
    invalidFindings.increment();
  }
}
