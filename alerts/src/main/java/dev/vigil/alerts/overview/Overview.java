package dev.vigil.alerts.overview;

import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.IncidentSeverity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /v1/overview} answers: the figures the dashboard's overview page draws, of one
 * workspace.
 *
 * @param since start of the period (inclusive) of the time-bound figures: over time, types, matrix
 * @param until end of the period (exclusive), the time of the answer
 * @param bucketSeconds width of one bucket of {@link #alertsOverTime}
 * @param alerts totals of the alerts raised in the period
 * @param alertsOverTime alerts raised per bucket and severity, oldest bucket first, empty ones included
 * @param topAlertTypes the alert types raised most often in the period, at most ten
 * @param clustersByOpenAlerts clusters by their open (Active or InProgress) alerts, whenever raised
 * @param incidents open incidents, whenever opened
 * @param attackMatrix MITRE ATT&amp;CK tactics in kill-chain order with the techniques that fired in the
 *     period or that the shipped detector catalogue covers
 * @param clusters ingest rate and health per cluster (empty where this process runs no gateway)
 */
public record Overview(
    String workspace,
    Instant since,
    Instant until,
    long bucketSeconds,
    Totals alerts,
    List<Bucket> alertsOverTime,
    List<TypeCount> topAlertTypes,
    List<ClusterCount> clustersByOpenAlerts,
    Incidents incidents,
    List<Tactic> attackMatrix,
    List<ClusterHealth> clusters) {

  /** Alerts of the period by severity and status; {@code open} counts Active and InProgress. */
  public record Totals(long total, long open, Map<String, Long> bySeverity, Map<String, Long> byStatus) {}

  /** Alerts raised from {@code start} for one bucket, by severity name. */
  public record Bucket(Instant start, Map<String, Long> bySeverity) {}

  public record TypeCount(String alertType, String displayName, long count) {}

  /** {@code open}: open alerts of the cluster; {@code high}: those of severity High. */
  public record ClusterCount(String cluster, long open, long high) {}

  /** Open incidents: how many, by severity, and the latest ten. */
  public record Incidents(long open, Map<String, Long> bySeverity, List<IncidentSummary> latest) {}

  public record IncidentSummary(
      String id,
      String title,
      String cluster,
      IncidentSeverity severity,
      AlertStatus status,
      List<String> tactics,
      int alertCount,
      Instant endTimeUtc) {}

  /** One column of the matrix. */
  public record Tactic(String tactic, List<Technique> techniques) {}

  /** {@code fired}: alerts of the period naming this tactic and technique; {@code covered}: a shipped detector does. */
  public record Technique(String technique, long fired, boolean covered) {}
}
