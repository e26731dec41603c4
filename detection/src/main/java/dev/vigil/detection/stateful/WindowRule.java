package dev.vigil.detection.stateful;

import dev.vigil.detection.stateful.StatefulConfig.Threshold;
import dev.vigil.schemas.AuditEvent;
import java.util.Map;

/**
 * A per-principal threshold detector, in plain Java: what one event contributes ({@link
 * #observe}), and how many distinct contributions of each dimension within what window raise an
 * alert ({@link #thresholds}). The streams layer supplies the keyed store (the raw topic's {@code
 * workspace/cluster/user} key, so no repartition), event time, grace, and wall-clock reporting.
 */
public interface WindowRule extends StatefulRule {

  /** One event's contribution: counted once per distinct {@code value} within a dimension. */
  public record Observation(String dimension, String value, String label) {}

  /** Dimension name to threshold; the rule fires when any dimension reaches its threshold. */
  Map<String, Threshold> thresholds();

  /** What this event contributes, or null (most events: allocate nothing). */
  Observation observe(AuditEvent event);

  /**
   * The alert's description.
   *
   * @param user the principal
   * @param cluster the cluster
   * @param dimension the dimension that reached its threshold
   * @param distinct how many distinct values it reached within the window
   * @param threshold that dimension's threshold
   */
  String describe(String user, String cluster, String dimension, int distinct, Threshold threshold);

  /** The rule's longest window: how long observations are kept. */
  default long maxWindowMs() {
    long max = 0;
    for (Threshold threshold : thresholds().values()) {
      max = Math.max(max, threshold.window().toMillis());
    }
    return max;
  }
}
