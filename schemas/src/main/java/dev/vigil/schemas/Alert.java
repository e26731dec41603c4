package dev.vigil.schemas;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A security alert: the value of {@code vigil.alerts.v1} and what the HTTP API returns. Field names
 * are public contract (ARCHITECTURE.md).
 */
public record Alert(
    String id,
    String alertType,
    String displayName,
    String description,
    Severity severity,
    List<String> tactics,
    List<String> techniques,
    AlertStatus status,
    String workspace,
    String cluster,
    String compromisedEntity,
    List<Entity> entities,
    List<String> remediationSteps,
    Instant startTimeUtc,
    Instant endTimeUtc,
    Instant detectedTimeUtc,
    long count,
    List<String> auditIds,
    Map<String, String> extendedProperties,
    List<AlertHistoryEntry> history) {

  /** Most audit ids an alert keeps; the count keeps counting past it. */
  public static final int MAX_AUDIT_IDS = 20;

  /** Most triage changes an alert keeps in {@link #history()}; the oldest are dropped first. */
  public static final int MAX_HISTORY = 100;

  /** An alert without triage history (a new alert, or one read before history existed). */
  public Alert(
      String id,
      String alertType,
      String displayName,
      String description,
      Severity severity,
      List<String> tactics,
      List<String> techniques,
      AlertStatus status,
      String workspace,
      String cluster,
      String compromisedEntity,
      List<Entity> entities,
      List<String> remediationSteps,
      Instant startTimeUtc,
      Instant endTimeUtc,
      Instant detectedTimeUtc,
      long count,
      List<String> auditIds,
      Map<String, String> extendedProperties) {
    this(id, alertType, displayName, description, severity, tactics, techniques, status, workspace,
        cluster, compromisedEntity, entities, remediationSteps, startTimeUtc, endTimeUtc,
        detectedTimeUtc, count, auditIds, extendedProperties, List.of());
  }

  /** Normalises a missing history (records written before it existed) to an empty list. */
  public Alert {
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** This alert with {@code status} and the change appended to its history (bounded). */
  public Alert withStatus(AlertHistoryEntry change) {
    ArrayList<AlertHistoryEntry> changes = new ArrayList<>(history);
    changes.add(change);
    while (changes.size() > MAX_HISTORY) {
      changes.remove(0);
    }
    return new Alert(id, alertType, displayName, description, severity, tactics, techniques,
        change.status(), workspace, cluster, compromisedEntity, entities, remediationSteps,
        startTimeUtc, endTimeUtc, detectedTimeUtc, count, auditIds, extendedProperties, changes);
  }
}
