package dev.vigil.alerts;

import dev.vigil.schemas.AlertStatusChange;

/**
 * Where {@code PATCH /v1/alerts/{id}} records a triage decision: {@code vigil.alert-status.v1}, keyed
 * by alert id ({@link KafkaAlertStatusSink} in production).
 */
@FunctionalInterface
public interface AlertStatusSink {
  /**
   * Records {@code change} durably and returns once it is acknowledged. Blocks; never call it on an
   * event loop.
   *
   * @throws AlertStoreUnavailableException when the change could not be recorded; the caller may retry
   */
  void record(AlertStatusChange change);
}
