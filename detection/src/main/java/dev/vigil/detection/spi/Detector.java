package dev.vigil.detection.spi;

import dev.vigil.schemas.AuditEvent;
import java.util.List;

/**
 * A single-event detector: plain Java, no Kafka types, so it is tested with plain JUnit and reused by
 * any runtime.
 *
 * <p>The detection topology gives a detector only the events it can match: the event's audit stage
 * is already settled (one stage per request), the event's verb and resource match {@link #interest()},
 * and the request succeeded (response code below 400) unless the interest asks for failed requests
 * too. Implementations must be thread-safe and stateless, must not throw on odd input (a missing or
 * oddly typed field simply does not match), and should allocate nothing for events that do not match.
 */
public interface Detector {

  /** What this detector raises: alert type, display name, severity, MITRE mapping, remediation. */
  DetectorInfo info();

  /** Which events this detector can match; the catalogue index consults it before {@link #inspect}. */
  Interest interest();

  /**
   * Inspects one audit event.
   *
   * @return the matches, usually none or one; {@code List.of()} (which allocates nothing) when the
   *     event does not match
   */
  List<Match> inspect(AuditEvent event);

  /**
   * Whether this detector runs in shadow mode: evaluated live, its findings counted ({@code
   * vigil.findings.shadow}) and sampled to the shadow findings topic, never raised as alerts. A Sigma
   * rule is in shadow mode with {@code shadow: true} in its metadata.
   */
  default boolean shadow() {
    return false;
  }
}
