package dev.vigil.schemas;

import java.time.Instant;
import java.util.Map;

/**
 * A suppression rule of a workspace: the value of {@code vigil.suppressions.v1} (key: rule id;
 * tombstone on delete). A new alert matching every field that is set is stored {@code Dismissed}
 * with the rule's id in its history and is not notified.
 *
 * @param alertType the alert type to match, or null for any
 * @param cluster the cluster to match, or null for any
 * @param entity entity type → name that the alert must name among its {@code entities} (such as
 *     {@code namespace}, {@code user}, {@code workload}, {@code image}); empty for any
 * @param reason why alerts like these are not worth a look
 * @param expiresAt when the rule stops matching, or null for never
 */
public record SuppressionRule(
    String id,
    String workspace,
    String alertType,
    String cluster,
    Map<String, String> entity,
    String reason,
    Instant expiresAt,
    String createdBy,
    Instant createdAt) {

  public SuppressionRule {
    entity = entity == null ? Map.of() : Map.copyOf(entity);
  }

  /** Whether the rule has stopped matching at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
