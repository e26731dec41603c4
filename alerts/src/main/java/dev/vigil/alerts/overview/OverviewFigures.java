package dev.vigil.alerts.overview;

import dev.vigil.alerts.incidents.IncidentQueries;
import dev.vigil.alerts.incidents.KillChain;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Incident;
import dev.vigil.schemas.IncidentSeverity;
import dev.vigil.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Accumulates the overview's figures from one pass over a workspace's alerts and incidents. Plain
 * Java: the route feeds it from the queryable stores, tests from lists.
 */
public final class OverviewFigures {

  /** Bucket widths to choose from, smallest first; the first giving at most {@link #MAX_BUCKETS} wins. */
  static final List<Duration> BUCKET_WIDTHS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
      Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofDays(1));
  static final int MAX_BUCKETS = 60;
  static final int TOP = 10;

  private final Instant since;
  private final Instant until;
  private final Duration bucket;
  private final Map<String, Set<String>> coverage;
  private final long[][] overTime;
  private final Map<String, Long> bySeverity = new LinkedHashMap<>();
  private final Map<String, Long> byStatus = new LinkedHashMap<>();
  private final Map<String, long[]> types = new HashMap<>();
  private final Map<String, String> typeNames = new HashMap<>();
  private final Map<String, long[]> openByCluster = new TreeMap<>();
  private final Map<String, Map<String, Long>> fired = new HashMap<>();
  private final List<Incident> openIncidents = new ArrayList<>();
  private long total;
  private long open;

  /**
   * @param coverage tactic name → technique ids the detector catalogue covers
   */
  public OverviewFigures(Instant since, Instant until, Map<String, Set<String>> coverage) {
    this.since = since;
    this.until = until;
    this.coverage = coverage;
    Duration range = Duration.between(since, until);
    Duration chosen = BUCKET_WIDTHS.get(BUCKET_WIDTHS.size() - 1);
    for (Duration width : BUCKET_WIDTHS) {
      if (range.toMillis() <= width.toMillis() * MAX_BUCKETS) {
        chosen = width;
        break;
      }
    }
    this.bucket = chosen;
    int buckets = (int) Math.max(1, (range.toMillis() + bucket.toMillis() - 1) / bucket.toMillis());
    this.overTime = new long[buckets][Severity.values().length];
    for (Severity s : Severity.values()) {
      bySeverity.put(s.name(), 0L);
    }
    for (AlertStatus s : AlertStatus.values()) {
      byStatus.put(s.name(), 0L);
    }
  }

  private static boolean isOpen(AlertStatus status) {
    return status == null || status == AlertStatus.Active || status == AlertStatus.InProgress;
  }

  /** Counts one alert of the workspace. */
  public void add(Alert alert) {
    if (isOpen(alert.status())) {
      long[] counts = openByCluster.computeIfAbsent(alert.cluster(), c -> new long[2]);
      counts[0]++;
      if (alert.severity() == Severity.High) {
        counts[1]++;
      }
    }
    Instant at = alert.detectedTimeUtc();
    if (at == null || at.isBefore(since) || !at.isBefore(until)) {
      return;
    }
    Severity severity = alert.severity() == null ? Severity.Informational : alert.severity();
    total++;
    if (isOpen(alert.status())) {
      open++;
    }
    bySeverity.merge(severity.name(), 1L, Long::sum);
    if (alert.status() != null) {
      byStatus.merge(alert.status().name(), 1L, Long::sum);
    }
    int slot = (int) Math.min(overTime.length - 1, Duration.between(since, at).toMillis() / bucket.toMillis());
    overTime[slot][severity.ordinal()]++;
    types.computeIfAbsent(alert.alertType(), t -> new long[1])[0]++;
    typeNames.putIfAbsent(alert.alertType(), alert.displayName());
    if (alert.tactics() != null && alert.techniques() != null) {
      for (String tactic : alert.tactics()) {
        for (String technique : alert.techniques()) {
          fired.computeIfAbsent(tactic, t -> new HashMap<>()).merge(technique, 1L, Long::sum);
        }
      }
    }
  }

  /** Counts one incident of the workspace. */
  public void add(Incident incident) {
    if (isOpen(incident.status())) {
      openIncidents.add(incident);
    }
  }

  /** The figures, with {@code clusters} as the ingest health. */
  public Overview build(String workspace, List<ClusterHealth> clusters) {
    List<Overview.Bucket> buckets = new ArrayList<>();
    for (int i = 0; i < overTime.length; i++) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (Severity s : Severity.values()) {
        counts.put(s.name(), overTime[i][s.ordinal()]);
      }
      buckets.add(new Overview.Bucket(since.plus(bucket.multipliedBy(i)), counts));
    }
    List<Overview.TypeCount> top = types.entrySet().stream()
        .sorted(Map.Entry.<String, long[]>comparingByValue(Comparator.comparingLong(c -> -c[0]))
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(TOP)
        .map(e -> new Overview.TypeCount(e.getKey(), typeNames.get(e.getKey()), e.getValue()[0]))
        .toList();
    List<Overview.ClusterCount> clustersByOpen = openByCluster.entrySet().stream()
        .map(e -> new Overview.ClusterCount(e.getKey(), e.getValue()[0], e.getValue()[1]))
        .sorted(Comparator.comparingLong(Overview.ClusterCount::open).reversed()
            .thenComparing(Overview.ClusterCount::cluster))
        .toList();
    Map<String, Long> incidentSeverity = new LinkedHashMap<>();
    for (IncidentSeverity s : IncidentSeverity.values()) {
      incidentSeverity.put(s.name(), 0L);
    }
    openIncidents.forEach(i -> incidentSeverity.merge(
        i.severity() == null ? IncidentSeverity.Informational.name() : i.severity().name(), 1L, Long::sum));
    List<Overview.IncidentSummary> latest = openIncidents.stream()
        .sorted(IncidentQueries.NEWEST_FIRST)
        .limit(TOP)
        .map(i -> new Overview.IncidentSummary(i.id(), i.title(), i.cluster(), i.severity(), i.status(),
            i.tactics(), i.alerts().size(), i.endTimeUtc()))
        .toList();
    return new Overview(workspace, since, until, bucket.toSeconds(),
        new Overview.Totals(total, open, bySeverity, byStatus), buckets, top, clustersByOpen,
        new Overview.Incidents(openIncidents.size(), incidentSeverity, latest), matrix(),
        clusters == null ? List.of() : clusters);
  }

  private List<Overview.Tactic> matrix() {
    Set<String> tactics = new TreeSet<>(KillChain.ORDER);
    tactics.addAll(coverage.keySet());
    tactics.addAll(fired.keySet());
    List<Overview.Tactic> columns = new ArrayList<>();
    for (String tactic : tactics) {
      Set<String> techniques = new TreeSet<>(coverage.getOrDefault(tactic, Set.of()));
      Map<String, Long> counts = fired.getOrDefault(tactic, Map.of());
      techniques.addAll(counts.keySet());
      List<Overview.Technique> cells = new ArrayList<>();
      for (String technique : techniques) {
        cells.add(new Overview.Technique(technique, counts.getOrDefault(technique, 0L),
            coverage.getOrDefault(tactic, Set.of()).contains(technique)));
      }
      columns.add(new Overview.Tactic(tactic, cells));
    }
    return columns;
  }
}
