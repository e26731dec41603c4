package dev.vigil.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What this gateway instance has seen of each cluster since it started: when events last arrived and
 * how many were accepted or rejected. It is in memory and per instance; behind a load balancer each
 * instance reports what reached it.
 */
public final class ClusterActivity {

  /** Default silence after which a cluster that sent events before is {@link InstallState#Unhealthy}. */
  public static final Duration DEFAULT_UNHEALTHY_AFTER = Duration.ofMinutes(15);

  /**
   * Activity of one cluster.
   *
   * @param lastEventTime when an accepted event last arrived, or null when none has
   */
  public record Snapshot(Instant lastEventTime, long eventsReceived, long eventsRejected) {
    static final Snapshot NONE = new Snapshot(null, 0, 0);
  }

  private final ConcurrentMap<String, Snapshot> byCluster = new ConcurrentHashMap<>();
  private final Duration unhealthyAfter;
  private final Clock clock;

  public ClusterActivity() {
    this(DEFAULT_UNHEALTHY_AFTER, Clock.systemUTC());
  }

  public ClusterActivity(Duration unhealthyAfter, Clock clock) {
    if (unhealthyAfter.isNegative() || unhealthyAfter.isZero()) {
      throw new IllegalArgumentException("unhealthyAfter must be positive");
    }
    this.unhealthyAfter = unhealthyAfter;
    this.clock = clock;
  }

  /** Records one answered request of {@code cluster}; {@code receivedMs} is when it arrived. */
  public void record(String cluster, int accepted, int rejected, long receivedMs) {
    byCluster.merge(
        cluster,
        new Snapshot(accepted > 0 ? Instant.ofEpochMilli(receivedMs) : null, accepted, rejected),
        (old, add) ->
            new Snapshot(
                latest(old.lastEventTime(), add.lastEventTime()),
                old.eventsReceived() + add.eventsReceived(),
                old.eventsRejected() + add.eventsRejected()));
  }

  public Snapshot snapshot(String cluster) {
    return Optional.ofNullable(byCluster.get(cluster)).orElse(Snapshot.NONE);
  }

  public InstallState installState(String cluster) {
    Instant last = snapshot(cluster).lastEventTime();
    if (last == null) {
      return InstallState.Pending;
    }
    return Duration.between(last, clock.instant()).compareTo(unhealthyAfter) > 0
        ? InstallState.Unhealthy
        : InstallState.Healthy;
  }

  /** Drops what is known of a cluster, when it is deleted. */
  public void forget(String cluster) {
    byCluster.remove(cluster);
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isAfter(b) ? a : b;
  }
}
