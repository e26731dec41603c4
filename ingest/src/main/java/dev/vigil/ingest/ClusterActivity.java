package dev.vigil.ingest;

import dev.vigil.schemas.ClusterKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What this gateway instance has seen of each cluster since it started: when events last arrived, how
 * many were accepted or rejected, and how many arrived in the last minute. It is in memory and per
 * instance; behind a load balancer each instance reports what reached it (see the README).
 */
public final class ClusterActivity {

  /** Default silence after which a cluster that sent events before is {@link InstallState#Unhealthy}. */
  public static final Duration DEFAULT_UNHEALTHY_AFTER = Duration.ofMinutes(15);

  /** The rate window is cut into buckets of this many milliseconds. */
  static final long BUCKET_MS = 10_000;

  private static final int BUCKETS = 6;

  /**
   * Activity of one cluster.
   *
   * @param lastEventTime when an accepted event last arrived, or null when none has
   * @param eventsReceived accepted events since this instance started
   * @param eventsRejected events rejected to the dead-letter topic since this instance started
   * @param eventsPerMinute accepted events in the last minute (counted in 10-second buckets)
   */
  public record Snapshot(
      Instant lastEventTime, long eventsReceived, long eventsRejected, long eventsPerMinute) {
    static final Snapshot NONE = new Snapshot(null, 0, 0, 0);
  }

  /** Counters of one cluster; the rate is a ring of per-bucket counts. */
  private static final class Counts {
    private long lastEventMs = -1;
    private long received;
    private long rejected;
    private final long[] bucketStart = new long[BUCKETS];
    private final long[] bucketCount = new long[BUCKETS];

    synchronized void add(int accepted, int rejectedNow, long receivedMs) {
      received += accepted;
      rejected += rejectedNow;
      if (accepted > 0) {
        lastEventMs = Math.max(lastEventMs, receivedMs);
        long start = receivedMs - Math.floorMod(receivedMs, BUCKET_MS);
        int slot = (int) Math.floorMod(start / BUCKET_MS, (long) BUCKETS);
        if (bucketStart[slot] != start) {
          bucketStart[slot] = start;
          bucketCount[slot] = 0;
        }
        bucketCount[slot] += accepted;
      }
    }

    synchronized Snapshot snapshot(long nowMs) {
      long perMinute = 0;
      for (int i = 0; i < BUCKETS; i++) {
        // Whole buckets of the last minute, the current partial one included.
        if (bucketStart[i] > nowMs - BUCKETS * BUCKET_MS && bucketStart[i] <= nowMs) {
          perMinute += bucketCount[i];
        }
      }
      return new Snapshot(
          lastEventMs < 0 ? null : Instant.ofEpochMilli(lastEventMs), received, rejected, perMinute);
    }
  }

  /** Counters by {@code workspace/cluster}: two workspaces' clusters of one name are apart. */
  private final ConcurrentMap<String, Counts> byCluster = new ConcurrentHashMap<>();
  private final Duration unhealthyAfter;
  private final Clock clock;

  public ClusterActivity() {
    this(DEFAULT_UNHEALTHY_AFTER, Clock.systemUTC());
  }

  /**
   * @param unhealthyAfter silence after which a cluster that sent events is {@link
   *     InstallState#Unhealthy}
   */
  public ClusterActivity(Duration unhealthyAfter, Clock clock) {
    if (unhealthyAfter == null || unhealthyAfter.isNegative() || unhealthyAfter.isZero()) {
      throw new IllegalArgumentException("the unhealthy threshold must be a positive duration");
    }
    this.unhealthyAfter = unhealthyAfter;
    this.clock = clock;
  }

  public Duration unhealthyAfter() {
    return unhealthyAfter;
  }

  /**
   * Records one answered request of {@code cluster} of {@code workspace}; {@code receivedMs} is when
   * it arrived.
   */
  public void record(String workspace, String cluster, int accepted, int rejected, long receivedMs) {
    byCluster
        .computeIfAbsent(ClusterKeys.of(workspace, cluster), c -> new Counts())
        .add(accepted, rejected, receivedMs);
  }

  public Snapshot snapshot(String workspace, String cluster) {
    Counts counts = byCluster.get(ClusterKeys.of(workspace, cluster));
    return counts == null ? Snapshot.NONE : counts.snapshot(clock.millis());
  }

  public InstallState installState(String workspace, String cluster) {
    return installState(snapshot(workspace, cluster));
  }

  /** The state a snapshot of this instance's activity stands for, at the clock's current time. */
  public InstallState installState(Snapshot snapshot) {
    Instant last = snapshot.lastEventTime();
    if (last == null) {
      return InstallState.Pending;
    }
    return Duration.between(last, clock.instant()).compareTo(unhealthyAfter) > 0
        ? InstallState.Unhealthy
        : InstallState.Healthy;
  }

  /** Drops what is known of a cluster, when it is deleted. */
  public void forget(String workspace, String cluster) {
    byCluster.remove(ClusterKeys.of(workspace, cluster));
  }
}
