package dev.vigil.schemas;

import java.time.Instant;

/**
 * A triage decision on an incident: the value of {@code vigil.incident-status.v1} (key: incident
 * id), written by {@code PATCH /v1/incidents/{id}}.
 *
 * @param incidentId the incident changed
 * @param clusterKey {@code workspace/cluster} of the incident ({@link ClusterKeys#of}), so the
 *     incidents application routes the change to the task owning that cluster's incidents
 * @param workspace the incident's workspace, checked again when the change is applied
 * @param status the new status
 * @param comment optional comment of the analyst
 * @param changedBy {@code role:tokenId} of the API token that made the change
 * @param changedAt when the API accepted the change
 */
public record IncidentStatusChange(
    String incidentId,
    String clusterKey,
    String workspace,
    AlertStatus status,
    String comment,
    String changedBy,
    Instant changedAt) {

  /** The change as an entry of the incident's history. */
  public AlertHistoryEntry toHistoryEntry() {
    return new AlertHistoryEntry(status, comment, changedBy, changedAt);
  }
}
