package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A baseline detector, in plain Java: which items an event shows about its subject (the record key:
 * {@code workspace/cluster/user}, or {@code workspace/cluster} after the per-cluster repartition) and
 * how a new one is described. The streams layer remembers, per subject, when learning started and
 * when each item was last seen; after the learning period an item never seen (or forgotten after the
 * TTL) is a finding.
 */
public interface BaselineRule extends StatefulRule {

  /** What a finding about new items says. */
  public record Novelty(
      String entity,
      List<Entity> entities,
      String description,
      Severity severity,
      Map<String, String> evidence) {}

  /** The items this event shows; {@code List.of()} when it is not relevant (most events). */
  List<String> items(AuditEvent event);

  /** Describes the event that showed {@code newItems}, never seen for this subject. */
  Novelty describe(AuditRecord record, List<String> newItems, String learning);

  /**
   * For a baseline per cluster rather than per principal: how the few events that can matter are
   * filtered and repartitioned by {@code workspace/cluster} before the rule sees them. Null (the
   * default) for a per-principal baseline, which reads the stream as the gateway keyed it.
   */
  default ByCluster byCluster() {
    return null;
  }

  /**
   * The repartition of a per-cluster baseline.
   *
   * @param name names its filter and re-keying processors ({@code <name>-filter-v1}, {@code
   *     <name>-by-cluster-v1})
   * @param topic the name of the repartition (its internal topic)
   * @param relevant the events that cross it
   */
  record ByCluster(String name, String topic, Predicate<AuditEvent> relevant) {}
}
