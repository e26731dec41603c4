package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatusChange;
import dev.vigil.schemas.VigilHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies triage decisions from {@code vigil.alert-status.v1}, re-keyed by fingerprint so that it
 * runs in the task owning the fingerprint's current alert and shares its stores with {@link
 * AlertDedupProcessor}: the status lands in {@code alerts-by-fingerprint-v1}, and later findings that
 * merge into the alert keep it.
 *
 * <p>A change for an alert that is no longer the current one of its fingerprint (a new alert was
 * opened after the window) is applied to the alert as the global store holds it; such an alert
 * receives no more findings, so no other writer races with it.
 */
final class AlertStatusProcessor implements Processor<String, AlertStatusChange, String, Alert> {
  private static final Logger LOG = LoggerFactory.getLogger(AlertStatusProcessor.class);

  private final AlertsMetrics metrics;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, Alert> alerts;
  private KeyValueStore<String, Long> unpublished;
  private ReadOnlyKeyValueStore<String, Object> alertsById;

  AlertStatusProcessor(AlertsMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.alerts = context.getStateStore(AlertsTopology.ALERTS_BY_FINGERPRINT_STORE);
    this.unpublished = context.getStateStore(AlertsTopology.UNPUBLISHED_STORE);
    this.alertsById = context.getStateStore(AlertsTopology.ALERTS_BY_ID_STORE);
  }

  @Override
  public void process(Record<String, AlertStatusChange> record) {
    AlertStatusChange change = record.value();
    if (change == null
        || change.alertId() == null
        || change.status() == null
        || change.workspace() == null
        || change.changedAt() == null) {
      metrics.statusChange(false);
      LOG.warn("dropping unusable status change: key={} value={}", record.key(), change);
      return;
    }
    long now = context.currentSystemTimeMs();
    String fingerprint = record.key();
    Alert current = fingerprint == null ? null : alerts.get(fingerprint);
    if (current != null && current.id().equals(change.alertId())) {
      if (!current.workspace().equals(change.workspace())) {
        refuse(change, "its workspace does not match the alert's");
        return;
      }
      Alert updated = current.withStatus(change.toHistoryEntry());
      alerts.put(fingerprint, updated);
      // The record published now carries any coalesced update that was waiting for the flush.
      unpublished.delete(fingerprint);
      publish(updated, change, now);
      return;
    }
    Alert superseded = globalAlert(change.alertId());
    if (superseded == null) {
      refuse(change, "no such alert");
      return;
    }
    if (!superseded.workspace().equals(change.workspace())) {
      refuse(change, "its workspace does not match the alert's");
      return;
    }
    publish(superseded.withStatus(change.toHistoryEntry()), change, now);
  }

  private void publish(Alert updated, AlertStatusChange change, long now) {
    AlertActivity activity = AlertActivity.ofStatusChange(change.status());
    Record<String, Alert> record = activity.tag(new Record<>(updated.id(), updated, now));
    record.headers().add(VigilHeaders.ALERT_STATUS_CHANGE, change.status().name().getBytes(StandardCharsets.UTF_8));
    context.forward(record);
    metrics.statusChange(true);
  }

  private void refuse(AlertStatusChange change, String why) {
    metrics.statusChange(false);
    LOG.warn("dropping status change of alert {} by {}: {}", change.alertId(), change.changedBy(), why);
  }

  private Alert globalAlert(String id) {
    Object value = alertsById.get(id);
    if (value instanceof ValueAndTimestamp<?> timestamped) {
      value = timestamped.value();
    }
    return value instanceof Alert alert ? alert : null;
  }
}
