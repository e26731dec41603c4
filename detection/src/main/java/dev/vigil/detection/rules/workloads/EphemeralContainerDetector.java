package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_EphemeralContainer}: an ephemeral (debug) container added to a running pod through
 * the {@code pods/ephemeralcontainers} subresource ({@code kubectl debug}).
 *
 * <p>Triage: an ephemeral container runs any image inside a pod's namespaces, with its service
 * account and volumes, and bypasses the workload's own definition. Confirm the debugging session
 * with the user.
 */
public final class EphemeralContainerDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_EphemeralContainer";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Ephemeral container added to a running pod",
          Severity.Medium,
          List.of("Execution"),
          List.of("T1609"),
          List.of(
              "Confirm with the user that the debugging session was intended.",
              "Restrict the pods/ephemeralcontainers permission to the few people who debug"
                  + " production."));

  private static final Interest INTEREST =
      Interest.of(Set.of("update", "patch"), Set.of("pods"));

  public EphemeralContainerDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!"ephemeralcontainers".equals(event.subresource())) {
      return List.of();
    }
    JsonNode spec = PodSpecs.podSpec(event);
    List<PodSpecs.Container> containers = PodSpecs.containers(spec);
    containers.removeIf(c -> !"ephemeralContainers".equals(c.list()));
    return List.of(
        Matches.workload(
            event,
            containers.isEmpty()
                ? "adding an ephemeral container"
                : "adding ephemeral container " + Matches.names(containers).replace(",", ", "),
            "The debug container runs inside the pod with its identity and volumes.",
            containers,
            Map.of(
                "containers", Matches.names(containers),
                "images", String.join(",", Matches.images(containers)))));
  }
}
