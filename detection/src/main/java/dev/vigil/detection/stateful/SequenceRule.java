package dev.vigil.detection.stateful;

import dev.vigil.schemas.AuditEvent;
import java.time.Duration;
import java.util.Map;

/**
 * A sequence detector, in plain Java: which events are the first step and which the second, per
 * principal, and how a completed sequence is described. The streams layer pairs them within {@link
 * #within} of event time (in either arrival order, within the grace period) and reports a finding as
 * soon as the second step arrives.
 */
public interface SequenceRule extends StatefulRule {

  /** The two steps of a sequence. */
  enum Step {
    FIRST,
    SECOND
  }

  /** Which step this event is, or null (most events). */
  Step step(AuditEvent event);

  /** How the step is shown: {@code create rolebindings prod/deployer}. */
  String label(AuditEvent event);

  /** The entity type ({@code binding}, {@code role}, {@code workload}, ...) of the step's object. */
  String entityType(AuditEvent event, Step step);

  /** How long after the first step the second one counts. */
  Duration within();

  /**
   * The finding's description.
   *
   * @param first the label of the first step
   * @param second the label of the second step
   */
  String describe(String user, String cluster, String first, String second, long secondsBetween);

  /** The rule's own evidence (the streams layer adds {@code within} and {@code secondsBetween}). */
  Map<String, String> evidence(String first, String second);
}
