package dev.vigil.detection.stateful;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sequence rule remembers about one principal: its recent first steps (RBAC grants) and
 * second steps (workload creates, execs), so that a pair is found whichever arrives first.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
final class SequenceState {

  static final int MAX_STEPS = 32;

  /** One step: when, which request, and a label naming the object. */
  @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
      isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
  static final class Step {
    long t;
    String auditId;
    String label;
    String entityType;
    String entityName;
    long receivedMs;
    boolean paired;

    Step() {}

    Step(long t, String auditId, String label, String entityType, String entityName, long receivedMs) {
      this.t = t;
      this.auditId = auditId;
      this.label = label;
      this.entityType = entityType;
      this.entityName = entityName;
      this.receivedMs = receivedMs;
    }
  }

  /** A completed sequence. */
  record Pair(Step first, Step second) {}

  String cluster;
  String workspace;
  String user;
  List<Step> firsts = new ArrayList<>();
  List<Step> seconds = new ArrayList<>();
  long newest = Long.MIN_VALUE;
  long touchedWallMs;

  SequenceState() {}

  SequenceState(String cluster, String workspace, String user) {
    this.cluster = cluster;
    this.workspace = workspace;
    this.user = user;
  }

  /**
   * Adds a step and returns the sequences it completes, or null when it is later than the grace
   * period allows.
   */
  List<Pair> add(Step step, boolean first, long withinMs, long graceMs, long wallNowMs) {
    touchedWallMs = wallNowMs;
    if (newest != Long.MIN_VALUE && step.t < newest - withinMs - graceMs) {
      return null;
    }
    newest = Math.max(newest, step.t);
    long horizon = newest - withinMs - graceMs;
    firsts.removeIf(s -> s.t < horizon);
    seconds.removeIf(s -> s.t < horizon);
    List<Pair> pairs = new ArrayList<>();
    if (first) {
      // A second step that arrived before this grant (out of order) completes it now.
      for (Step second : seconds) {
        if (!second.paired && step.t <= second.t && second.t <= step.t + withinMs) {
          second.paired = true;
          pairs.add(new Pair(step, second));
        }
      }
      append(firsts, step);
    } else {
      Step grant = null;
      for (Step candidate : firsts) {
        if (candidate.t <= step.t && step.t <= candidate.t + withinMs
            && (grant == null || candidate.t > grant.t)) {
          grant = candidate;
        }
      }
      if (grant != null) {
        step.paired = true;
        pairs.add(new Pair(grant, step));
      }
      append(seconds, step);
    }
    return pairs;
  }

  private static void append(List<Step> steps, Step step) {
    steps.add(step);
    if (steps.size() > MAX_STEPS) {
      steps.remove(0);
    }
  }

  boolean idle(long wallNowMs, long idleMs) {
    return wallNowMs - touchedWallMs > idleMs;
  }
}
