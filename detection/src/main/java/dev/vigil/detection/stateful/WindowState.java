package dev.vigil.detection.stateful;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import dev.vigil.detection.stateful.StatefulConfig.Threshold;
import dev.vigil.detection.stateful.WindowRule.Observation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one window rule remembers about one principal, stored in the rule's store by {@link
 * WindowStateSerde} (a new field here, in {@link Obs} or in {@link Episode} must be written there too).
 * Plain Java: {@link #add} applies one observation; {@link #takeReport} hands over what is due to be
 * reported.
 *
 * <p>Before the threshold is reached the state keeps the recent observations (sorted by event time,
 * at most the rule's longest window plus grace behind the newest, and at most {@link #maxRecent}).
 * When a dimension reaches its threshold within its window, an <em>episode</em> opens with the
 * observations from that window on; later observations join it while they come within a window of
 * its last one, and only counts, times and bounded evidence are kept from then on.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
public final class WindowState {

  static final int MAX_LABELS = 20;
  static final int MAX_SOURCE_IPS = 10;

  /** One observation with what the finding needs from its event. */
  @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
      isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
  static final class Obs {
    long t;
    String dim;
    String value;
    String label;
    String auditId;
    long receivedMs;
    String userAgent;
    String sourceIp;
    /** Earlier observations of the same dimension and value folded into this one (they count, and
     * their evidence is that of this one). */
    int folded;

    Obs() {}

    Obs(long t, Observation observation, String auditId, long receivedMs, String userAgent,
        String sourceIp) {
      this.t = t;
      this.dim = observation.dimension();
      this.value = observation.value();
      this.label = observation.label();
      this.auditId = auditId;
      this.receivedMs = receivedMs;
      this.userAgent = userAgent;
      this.sourceIp = sourceIp;
    }
  }

  /** A triggered burst: totals, bounded evidence, and the part not reported yet. */
  @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
      isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
  static final class Episode {
    long start;
    long end;
    long total;
    String dimension;
    int distinct;
    List<String> labels = new ArrayList<>();
    List<String> sourceIps = new ArrayList<>();
    String userAgent;
    boolean reported;
    int pendingCount;
    long pendingStart;
    long pendingEnd;
    long pendingReceivedMs;
    List<String> pendingAuditIds = new ArrayList<>();

    void absorb(Obs o) {
      start = Math.min(start, o.t);
      end = Math.max(end, o.t);
      total += 1 + o.folded;
      if (!labels.contains(o.label) && labels.size() < MAX_LABELS && o.dim.equals(dimension)) {
        labels.add(o.label);
      }
      if (o.sourceIp != null && !sourceIps.contains(o.sourceIp) && sourceIps.size() < MAX_SOURCE_IPS) {
        sourceIps.add(o.sourceIp);
      }
      if (o.userAgent != null) {
        userAgent = o.userAgent;
      }
      if (pendingCount == 0) {
        pendingStart = o.t;
        pendingEnd = o.t;
      } else {
        pendingStart = Math.min(pendingStart, o.t);
        pendingEnd = Math.max(pendingEnd, o.t);
      }
      pendingCount += 1 + o.folded;
      pendingReceivedMs = Math.max(pendingReceivedMs, o.receivedMs);
      if (pendingAuditIds.size() < StatefulFindings.MAX_AUDIT_IDS && o.auditId != null) {
        pendingAuditIds.add(o.auditId);
      }
    }
  }

  /**
   * What is due: the first report of an episode, or an update with what joined it since.
   *
   * @param first whether this opens the alert (else {@code count} adds to it)
   */
  record Report(
      boolean first,
      String dimension,
      int distinct,
      long start,
      long end,
      int count,
      long total,
      List<String> auditIds,
      long receivedMs,
      List<String> labels,
      List<String> sourceIps,
      String userAgent) {}

  /** Outcome of {@link #add}. */
  enum Added { RECENT, TRIGGERED, JOINED, LATE }

  String cluster;
  String workspace;
  String user;
  List<Obs> recent = new ArrayList<>();
  Episode episode;
  long touchedWallMs;
  private transient Map<String, Map<String, int[]>> distinct;

  WindowState() {}

  WindowState(String cluster, String workspace, String user) {
    this.cluster = cluster;
    this.workspace = workspace;
    this.user = user;
  }

  /** Longest list of recent observations kept before a trigger, whatever the window holds. */
  static int maxRecent(WindowRule rule) {
    int max = 0;
    for (Threshold threshold : rule.thresholds().values()) {
      max = Math.max(max, threshold.count());
    }
    return 4 * max + 64;
  }

  /**
   * Applies one observation.
   *
   * @param flushed receives the pending report of an episode that this observation ends (it comes
   *     more than a window after the episode's last event), so nothing is lost when a new one starts
   */
  Added add(Obs o, WindowRule rule, long graceMs, long wallNowMs, List<Report> flushed) {
    touchedWallMs = wallNowMs;
    long windowMs = rule.maxWindowMs();
    if (episode != null) {
      if (o.t < episode.start - graceMs) {
        return Added.LATE;
      }
      if (o.t <= episode.end + windowMs) {
        episode.absorb(o);
        return Added.JOINED;
      }
      Report last = takeReport();
      if (last != null) {
        flushed.add(last);
      }
      episode = null;
      clearRecent();
    }
    if (!recent.isEmpty() && o.t < recent.get(recent.size() - 1).t - windowMs - graceMs) {
      return Added.LATE;
    }
    insertSorted(o);
    long newest = recent.get(recent.size() - 1).t;
    // recent is sorted by time: what fell out of window and grace, and what exceeds the size bound,
    // are both a prefix.
    int stale = 0;
    while (stale < recent.size() && recent.get(stale).t < newest - windowMs - graceMs) {
      stale++;
    }
    dropOldest(Math.max(stale, recent.size() - maxRecent(rule)));
    return trigger(rule) ? Added.TRIGGERED : Added.RECENT;
  }

  /**
   * Adds {@code o} to {@link #recent}, keeping one observation per dimension and value: a repeat
   * folds into the newer of the two (its count carries over), since a window needs each value's
   * latest time to count distinct values, not every sighting. This bounds the list by the number of
   * distinct values, instead of growing with every repeated request of a busy principal.
   */
  private void insertSorted(Obs o) {
    Map<String, int[]> values = distinct().get(o.dim);
    if (values != null && values.containsKey(o.value)) {
      for (int k = recent.size() - 1; k >= 0; k--) {
        Obs same = recent.get(k);
        if (same.dim.equals(o.dim) && same.value.equals(o.value)) {
          if (same.t > o.t) {
            same.folded += 1 + o.folded;
            return;
          }
          o.folded += 1 + same.folded;
          recent.remove(k);
          int[] count = values.get(o.value);
          if (--count[0] == 0) {
            values.remove(o.value);
          }
          break;
        }
      }
    }
    int i = recent.size();
    while (i > 0 && recent.get(i - 1).t > o.t) {
      i--;
    }
    recent.add(i, o);
    distinct().computeIfAbsent(o.dim, d -> new HashMap<>()).computeIfAbsent(o.value, v -> new int[1])[0]++;
  }

  private void dropOldest(int n) {
    if (n <= 0) {
      return;
    }
    if (distinct != null) {
      for (int i = 0; i < n; i++) {
        Obs r = recent.get(i);
        Map<String, int[]> values = distinct.get(r.dim);
        int[] count = values == null ? null : values.get(r.value);
        if (count != null && --count[0] == 0) {
          values.remove(r.value);
        }
      }
    }
    recent.subList(0, n).clear();
  }

  private void clearRecent() {
    recent.clear();
    distinct = null;
  }

  /**
   * Distinct values per dimension among {@link #recent}, with how often each occurs: derived from
   * {@code recent} (so not stored), built when first needed and kept up to date by every change of
   * {@code recent}. A dimension with fewer distinct values than its threshold cannot trigger, which
   * spares most events the window scan.
   */
  private Map<String, Map<String, int[]>> distinct() {
    if (distinct == null) {
      distinct = new HashMap<>();
      for (Obs r : recent) {
        distinct.computeIfAbsent(r.dim, d -> new HashMap<>()).computeIfAbsent(r.value, v -> new int[1])[0]++;
      }
    }
    return distinct;
  }

  /** Opens an episode when any dimension has its threshold of distinct values within its window. */
  private boolean trigger(WindowRule rule) {
    for (Map.Entry<String, Threshold> entry : rule.thresholds().entrySet()) {
      String dimension = entry.getKey();
      Threshold threshold = entry.getValue();
      Map<String, int[]> values = distinct().get(dimension);
      if (values == null || values.size() < threshold.count()) {
        continue;
      }
      long windowMs = threshold.window().toMillis();
      Map<String, Integer> counts = new HashMap<>();
      int left = 0;
      for (int right = 0; right < recent.size(); right++) {
        Obs r = recent.get(right);
        if (!r.dim.equals(dimension)) {
          continue;
        }
        counts.merge(r.value, 1, Integer::sum);
        while (r.t - recent.get(left).t > windowMs) {
          Obs l = recent.get(left++);
          if (l.dim.equals(dimension)) {
            counts.computeIfPresent(l.value, (k, v) -> v == 1 ? null : v - 1);
          }
        }
        if (counts.size() >= threshold.count()) {
          openEpisode(dimension, counts.size(), recent.get(left).t);
          return true;
        }
      }
    }
    return false;
  }

  private void openEpisode(String dimension, int distinct, long from) {
    Episode e = new Episode();
    e.dimension = dimension;
    e.distinct = distinct;
    e.start = Long.MAX_VALUE;
    e.end = Long.MIN_VALUE;
    for (Obs r : recent) {
      if (r.t >= from) {
        e.absorb(r);
      }
    }
    episode = e;
    clearRecent();
  }

  boolean hasPending() {
    return episode != null && episode.pendingCount > 0;
  }

  /** Hands over and clears what is due, or null when nothing is. */
  Report takeReport() {
    if (!hasPending()) {
      return null;
    }
    Episode e = episode;
    Report report = new Report(!e.reported, e.dimension, e.distinct, e.pendingStart, e.pendingEnd,
        e.pendingCount, e.total, List.copyOf(e.pendingAuditIds), e.pendingReceivedMs,
        List.copyOf(e.labels), List.copyOf(e.sourceIps), e.userAgent);
    e.reported = true;
    e.pendingCount = 0;
    e.pendingAuditIds = new ArrayList<>();
    e.pendingReceivedMs = 0;
    return report;
  }

  /** True when nothing is pending and nothing happened for longer than {@code idleMs} of wall clock. */
  boolean expired(long wallNowMs, long idleMs) {
    return !hasPending() && wallNowMs - touchedWallMs > idleMs;
  }
}
