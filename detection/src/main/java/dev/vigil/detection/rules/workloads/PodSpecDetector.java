package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The family of detectors that judge the pod spec a workload write carries, whatever the workload
 * kind ({@link PodSpecs#podSpec}). The skeleton is here: the interest, finding the pod spec, and the
 * match about the workload (its kind, namespace and name, the user, the images of the containers
 * concerned, evidence {@code kind}). A member says only what it looks for, in {@link #offence}.
 */
abstract class PodSpecDetector extends AbstractDetector {

  /**
   * What a member found in a pod spec.
   *
   * @param what what is wrong with the workload, after "User U created Deployment ns/web "
   * @param why one sentence on why it matters
   * @param containers the containers concerned, whose images become entities
   * @param evidence the member's extended properties ({@code kind} is added)
   */
  record Offence(
      String what, String why, Collection<PodSpecs.Container> containers, Map<String, String> evidence) {}

  /** Detectors of workloads written with any of {@code verbs}. */
  PodSpecDetector(DetectorInfo info, Set<String> verbs) {
    super(info, Interest.of(verbs, PodSpecs.WORKLOAD_RESOURCES));
  }

  @Override
  protected final List<Match> examine(AuditEvent event) {
    JsonNode spec = PodSpecs.podSpec(event);
    if (spec == null) {
      return List.of();
    }
    Offence offence = offence(event, spec);
    if (offence == null) {
      return List.of();
    }
    Map<String, String> evidence = new HashMap<>(offence.evidence());
    evidence.put("kind", PodSpecs.workloadKind(event));
    return List.of(
        Matches.workload(event, offence.what(), offence.why(), offence.containers(), evidence));
  }

  /** What this member finds in the written pod spec, or null when the workload is fine. */
  abstract Offence offence(AuditEvent event, JsonNode spec);
}
