package dev.vigil.alerts.incidents;

import dev.vigil.schemas.IncidentStatusChange;

/**
 * Where {@code PATCH /v1/incidents/{id}} records a triage decision: {@code vigil.incident-status.v1},
 * keyed by incident id ({@link KafkaIncidentStatusSink} in production).
 */
@FunctionalInterface
public interface IncidentStatusSink {
  /**
   * Records {@code change} durably and returns once it is acknowledged. Blocks.
   *
   * @throws dev.vigil.alerts.AlertStoreUnavailableException when it could not be recorded
   */
  void record(IncidentStatusChange change);
}
