package dev.vigil.schemas;

import java.time.Instant;
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
    Map<String, String> extendedProperties) {

  /** Most audit ids an alert keeps; the count keeps counting past it. */
  public static final int MAX_AUDIT_IDS = 20;
}
