package dev.vigil.ingest.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-cluster admission that bounds detection's backlog.
 *
 * <p>While detection keeps up (its backlog is under {@link AdmissionSettings#maxLag()} seconds of
 * work), every cluster is admitted. Once it falls behind, admission divides a little less than
 * detection's measured pace among the clusters that send, max-min fair: a cluster sending less than
 * its share keeps all of it, and what it leaves is split among the others. Each cluster gets at least
 * {@link AdmissionSettings#minClusterRate()}. A cluster over its allowance is answered 429 with the
 * seconds until it has credit again; its clients (kube-apiserver's webhook, the agent) retry, so
 * nothing is lost, and the backlog, which every cluster's events share, stays a few seconds long.
 * Admission is lifted when the backlog is under half the bound.
 *
 * <p>{@link #update} is called by one thread (the backlog monitor); {@link #admit} and {@link
 * #accepted} by any request thread.
 */
public final class FairAdmission {

  /** Share of detection's pace handed out while behind, so that the backlog drains. */
  static final double DRAIN_FACTOR = 0.8;

  /** A cluster silent this long is forgotten. */
  static final long IDLE_NANOS = 60_000_000_000L;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** Backfill is refused once the backlog passes {@code bound / 4}. */
  static final double BACKFILL_SHARE_OF_BOUND = 4;

  /** A deferred backfill is told to come back within this many seconds at most. */
  static final long MAX_BACKFILL_WAIT_SECONDS = 30;

  private final AdmissionSettings settings;
  private final MeterRegistry registry;
  private final Map<String, Share> shares = new ConcurrentHashMap<>();
  private volatile boolean behind;
  private volatile Backlog backlog = Backlog.UNKNOWN;
  private final Counter backfillThrottled;

  public FairAdmission(AdmissionSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
    this.backfillThrottled =
        Counter.builder("vigil.ingest.backfill.throttled")
            .description("Backfill requests answered 429 because detection had a backlog")
            .register(registry);
    Gauge.builder("vigil.detection.lag.events", this, a -> a.backlog.lagEvents())
        .description("Events on the raw topic that detection has not processed yet")
        .register(registry);
    Gauge.builder("vigil.detection.lag.seconds", this, a -> Math.min(a.backlog.lagSeconds(), 1e9))
        .description("Detection's backlog in seconds of its work at its current pace")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("vigil.detection.processing.rate", this, a -> a.backlog.processedPerSecond())
        .description("Events per second detection commits, from its consumer offsets")
        .register(registry);
    Gauge.builder("vigil.ingest.admission.throttling", this, a -> a.behind ? 1 : 0)
        .description("1 while detection is behind and clusters over their fair share get 429")
        .register(registry);
  }

  /**
   * Whether {@code cluster} may send now.
   *
   * @return 0 to admit, otherwise the seconds the client should wait ({@code Retry-After})
   */
  public long admit(String cluster, long nowNanos) {
    if (!behind) {
      return 0;
    }
    Share share = share(cluster, nowNanos);
    long wait = share.check(nowNanos);
    if (wait > 0) {
      share.throttled.increment();
      share.throttledSinceUpdate = true;
    }
    return wait;
  }

  /**
   * Whether {@code cluster} may send history ({@code ?backfill=true}) now. Backfill is the lowest
   * priority: it is refused as soon as detection's backlog passes a quarter of the bound, well
   * before any live request is refused (at the bound), so a backfill never pushes live traffic over
   * its share; it goes on once the backlog has drained. Without admission control (bound {@code
   * PT0S}) or before the backlog is known, it is admitted.
   *
   * @return 0 to admit, otherwise the seconds the client should wait ({@code Retry-After})
   */
  public long admitBackfill(String cluster) {
    Backlog now = backlog;
    double bound = settings.maxLag().toMillis() / 1000.0;
    if (!settings.enabled() || !now.known()) {
      return 0;
    }
    double lag = now.lagSeconds();
    if (!behind && lag <= bound / BACKFILL_SHARE_OF_BOUND) {
      return 0;
    }
    backfillThrottled.increment();
    return Math.max(1, Math.min(MAX_BACKFILL_WAIT_SECONDS, (long) Math.ceil(lag)));
  }

  /** Counts events Kafka acknowledged for {@code cluster}; while behind they use its credit. */
  public void accepted(String cluster, int events, long nowNanos) {
    Share share = share(cluster, nowNanos);
    share.events.increment(events);
    share.charge(events, behind, nowNanos);
  }

  /** Detection's current backlog: recomputes who is throttled and every cluster's allowance. */
  public void update(Backlog now, long nowNanos) {
    backlog = now;
    double lag = now.lagSeconds();
    double bound = settings.maxLag().toMillis() / 1000.0;
    if (!settings.enabled() || !now.known()) {
      behind = false;
    } else if (lag > bound) {
      behind = true;
    } else if (lag < bound / 2) {
      behind = false;
    }
    List<Share> active = new ArrayList<>();
    shares.values().removeIf(s -> nowNanos - s.lastSeen > IDLE_NANOS);
    for (Share share : shares.values()) {
      share.measure(nowNanos);
      active.add(share);
    }
    if (behind) {
      allocate(active, DRAIN_FACTOR * now.processedPerSecond());
    }
  }

  /** Max-min fair shares of {@code total} events/s; a cluster just throttled wants more than it got. */
  private void allocate(List<Share> active, double total) {
    active.sort(Comparator.comparingDouble(Share::demand));
    double left = Math.max(0, total);
    for (int i = 0; i < active.size(); i++) {
      Share share = active.get(i);
      double fair = left / (active.size() - i);
      double given = Math.min(share.demand(), fair);
      left -= given;
      share.allowance = Math.max(settings.minClusterRate(), given);
    }
  }

  /** Whether clusters over their share are being refused now. */
  public boolean throttling() {
    return behind;
  }

  /** The events/s {@code cluster} may send while detection is behind (for tests and diagnosis). */
  double allowance(String cluster) {
    Share share = shares.get(cluster);
    return share == null ? Double.NaN : share.allowance;
  }

  private Share share(String cluster, long nowNanos) {
    Share share = shares.computeIfAbsent(cluster, c -> new Share(c, nowNanos));
    share.lastSeen = nowNanos;
    return share;
  }

  /** One cluster's measured rate, allowance and credit. */
  private final class Share {
    final Counter events;
    final Counter throttled;
    volatile long lastSeen;
    volatile double allowance;
    volatile boolean throttledSinceUpdate;
    double rate;
    double countedAt;
    long measuredAt;
    private double credit;
    private long creditAt;

    Share(String cluster, long now) {
      this.events = Counter.builder("vigil.ingest.cluster.events")
          .description("Audit events accepted, per cluster")
          .tag("cluster", cluster)
          .register(registry);
      this.throttled = Counter.builder("vigil.ingest.cluster.throttled")
          .description("Requests answered 429 because detection is behind and the cluster sent more"
              + " than its fair share, per cluster")
          .tag("cluster", cluster)
          .register(registry);
      this.lastSeen = now;
      this.creditAt = now;
      this.countedAt = events.count();
      this.measuredAt = now;
      this.allowance = Double.POSITIVE_INFINITY;
    }

    /** Events/s it wants: what it sent, or without bound if it was refused since the last update. */
    double demand() {
      return throttledSinceUpdate ? Double.POSITIVE_INFINITY : rate;
    }

    void measure(long now) {
      double total = events.count();
      double elapsedSeconds = (now - measuredAt) / (double) NANOS_PER_SECOND;
      measuredAt = now;
      if (elapsedSeconds > 0) {
        double recent = (total - countedAt) / elapsedSeconds;
        rate = rate == 0 ? recent : 0.5 * rate + 0.5 * recent;
      }
      countedAt = total;
      throttledSinceUpdate = false;
    }

    synchronized long check(long now) {
      refill(now);
      if (credit > 0) {
        return 0;
      }
      double seconds = -credit / allowance;
      return Math.max(1, (long) Math.ceil(seconds));
    }

    synchronized void charge(int events, boolean limited, long now) {
      refill(now);
      credit = limited ? credit - events : burst();
    }

    private void refill(long now) {
      double allowed = allowance;
      if (Double.isInfinite(allowed)) {
        credit = burst();
      } else {
        credit = Math.min(burst(), credit + (now - creditAt) * allowed / NANOS_PER_SECOND);
      }
      creditAt = now;
    }

    /** Credit is capped at one second of allowance: a quiet spell does not buy a flood. */
    private double burst() {
      double allowed = allowance;
      return Double.isInfinite(allowed) ? Double.MAX_VALUE / 4 : allowed;
    }
  }
}
