package dev.vigil.ingest.admission;

/**
 * Detection's backlog on the raw topic at one moment.
 *
 * @param lagEvents events written to the raw topic that detection has not committed yet
 * @param processedPerSecond how fast detection commits, averaged over the last few seconds
 * @param known false until detection's offsets could be read at least once
 */
public record Backlog(long lagEvents, double processedPerSecond, boolean known) {

  /** Nothing measured yet: admission lets everything through until it knows better. */
  public static final Backlog UNKNOWN = new Backlog(0, 0, false);

  /** How long detection needs for its backlog at its current pace; infinite when it is stalled. */
  public double lagSeconds() {
    if (lagEvents <= 0) {
      return 0;
    }
    return processedPerSecond <= 0 ? Double.POSITIVE_INFINITY : lagEvents / processedPerSecond;
  }
}
