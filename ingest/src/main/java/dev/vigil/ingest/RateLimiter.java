package dev.vigil.ingest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A token bucket per key (one authenticated caller): {@code burst} requests at once, refilled at
 * {@code perSecond}. Keys are authenticated callers only, so the map is bounded by the registered
 * clusters; an unknown token is refused before it could create a bucket.
 */
final class RateLimiter {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final double perSecond;
  private final double burst;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(double perSecond, int burst) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /**
   * Takes one permit for {@code key}.
   *
   * @return 0 when the request may proceed, otherwise the nanoseconds until a permit is available
   */
  long tryAcquire(String key, long nowNanos) {
    return buckets.computeIfAbsent(key, k -> new Bucket(burst, nowNanos)).take(nowNanos);
  }

  private final class Bucket {
    private double permits;
    private long refilledAt;

    Bucket(double permits, long now) {
      this.permits = permits;
      this.refilledAt = now;
    }

    synchronized long take(long now) {
      long elapsed = Math.max(0, now - refilledAt);
      permits = Math.min(burst, permits + elapsed * perSecond / NANOS_PER_SECOND);
      refilledAt = now;
      if (permits >= 1) {
        permits -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - permits) * NANOS_PER_SECOND / perSecond);
    }
  }
}
