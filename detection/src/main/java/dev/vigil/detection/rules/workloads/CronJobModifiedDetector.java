package dev.vigil.detection.rules.workloads;

import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Requests;
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
 * {@code VIGIL_CronJobModified}: a CronJob created, updated or patched (Sigma "cronjob
 * modification"; Microsoft's Kubernetes threat matrix "Kubernetes CronJob" persistence).
 *
 * <p>Triage: a CronJob re-creates a payload on a schedule even after its pods are deleted. Check the
 * schedule, image and command against what the owning team deploys.
 */
public final class CronJobModifiedDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_CronJobModified";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "CronJob created or modified",
          Severity.Low,
          List.of("Persistence", "Execution"),
          List.of("T1053.007"),
          List.of(
              "Check that the CronJob's image, command and schedule belong to a known deployment.",
              "If not, delete it and review the creator's other activity."));

  private static final Interest INTEREST =
      Interest.of(PodSpecs.WRITE_VERBS, Set.of("cronjobs"));

  public CronJobModifiedDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!"cronjobs".equals(event.resource()) || !Matches.noSubresource(event)) {
      return List.of();
    }
    List<PodSpecs.Container> containers = PodSpecs.containers(PodSpecs.podSpec(event));
    String schedule =
        Requests.writtenObject(event) == null
            ? ""
            : Requests.writtenObject(event).path("spec").path("schedule").asText("");
    return List.of(
        Matches.workload(
            event,
            schedule.isEmpty() ? "" : "with schedule \"" + schedule + "\"",
            "A CronJob runs its pods again and again: a classic persistence mechanism.",
            containers,
            Map.of(
                "schedule", schedule,
                "images", String.join(",", Matches.images(containers)))));
  }
}
