package dev.vigil.schemas;

import java.time.Instant;

/**
 * A triage decision on an alert: the value of {@code vigil.alert-status.v1} (key: alert id), written
 * by {@code PATCH /v1/alerts/{id}}.
 *
 * @param alertId the alert changed
 * @param fingerprint the alert's fingerprint, so the alerts application can route the change to the
 *     task owning the fingerprint's alerts without a lookup
 * @param workspace the alert's workspace, checked again when the change is applied
 * @param status the new status
 * @param comment optional comment of the analyst
 * @param changedBy {@code role:tokenId} of the API token that made the change
 * @param changedAt when the API accepted the change
 */
public record AlertStatusChange(
    String alertId,
    String fingerprint,
    String workspace,
    AlertStatus status,
    String comment,
    String changedBy,
    Instant changedAt) {

  /** The change as an entry of the alert's history. */
  public AlertHistoryEntry toHistoryEntry() {
    return new AlertHistoryEntry(status, comment, changedBy, changedAt);
  }
}
