package dev.vigil.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Alerts of one cluster correlated into one story: the value of {@code vigil.incidents.v1} (key:
 * incident id) and what {@code GET /v1/incidents} returns. Field names are public contract.
 *
 * @param id stable id of the incident, derived from the alert that opened it
 * @param title what the incident is about, in one line
 * @param severity the highest severity of its alerts, raised when it spans several tactics
 * @param status triage status, as for alerts
 * @param tactics MITRE ATT&amp;CK tactic names of its alerts, in kill-chain order
 * @param techniques technique ids of its alerts, sorted
 * @param entities the entities that link its alerts (principals, workloads, pods, created objects)
 * @param startTimeUtc first event time of its alerts
 * @param endTimeUtc last event time of its alerts
 * @param createdTimeUtc when Vigil opened the incident
 * @param updatedTimeUtc when Vigil last changed it
 * @param alerts the member alerts: the timeline, ordered by start time
 * @param history triage changes of the incident
 */
public record Incident(
    String id,
    String workspace,
    String cluster,
    String title,
    IncidentSeverity severity,
    AlertStatus status,
    List<String> tactics,
    List<String> techniques,
    List<Entity> entities,
    Instant startTimeUtc,
    Instant endTimeUtc,
    Instant createdTimeUtc,
    Instant updatedTimeUtc,
    List<Member> alerts,
    List<AlertHistoryEntry> history) {

  /** Most member alerts an incident lists; the oldest stay, as for an alert's audit ids. */
  public static final int MAX_ALERTS = 200;

  public Incident {
    tactics = tactics == null ? List.of() : List.copyOf(tactics);
    techniques = techniques == null ? List.of() : List.copyOf(techniques);
    entities = entities == null ? List.of() : List.copyOf(entities);
    alerts = alerts == null ? List.of() : List.copyOf(alerts);
    history = history == null ? List.of() : List.copyOf(history);
  }

  /**
   * One alert of an incident's timeline, with its evidence (audit ids and request properties).
   *
   * @param id the alert id ({@code GET /v1/alerts/{id}})
   */
  public record Member(
      String id,
      String alertType,
      String displayName,
      Severity severity,
      AlertStatus status,
      List<String> tactics,
      List<String> techniques,
      String compromisedEntity,
      List<Entity> entities,
      Instant startTimeUtc,
      Instant endTimeUtc,
      long count,
      List<String> auditIds,
      Map<String, String> extendedProperties) {

    /** The member view of {@code alert}. */
    public static Member of(Alert alert) {
      return new Member(alert.id(), alert.alertType(), alert.displayName(), alert.severity(),
          alert.status(), alert.tactics(), alert.techniques(), alert.compromisedEntity(),
          alert.entities(), alert.startTimeUtc(), alert.endTimeUtc(), alert.count(),
          alert.auditIds(), alert.extendedProperties());
    }
  }
}
