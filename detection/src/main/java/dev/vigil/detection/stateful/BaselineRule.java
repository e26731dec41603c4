package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;

/**
 * A baseline detector, in plain Java: which items an event shows about its subject (the record key:
 * {@code workspace/cluster/user}, or {@code workspace/cluster} after the per-cluster repartition) and
 * how a new one is described. The streams layer remembers, per subject, when learning started and
 * when each item was last seen; after the learning period an item never seen (or forgotten after the
 * TTL) is a finding.
 */
interface BaselineRule {

  /** What a finding about new items says. */
  record Novelty(
      String entity,
      List<Entity> entities,
      String description,
      Severity severity,
      Map<String, String> evidence) {}

  DetectorInfo info();

  /** The items this event shows; {@code List.of()} when it is not relevant (most events). */
  List<String> items(AuditEvent event);

  /** Describes the event that showed {@code newItems}, never seen for this subject. */
  Novelty describe(AuditRecord record, List<String> newItems, String learning);
}
