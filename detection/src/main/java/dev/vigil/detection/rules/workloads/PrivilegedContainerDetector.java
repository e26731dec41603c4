package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code K8S_PrivilegedContainer}: a workload written with a container whose {@code
 * securityContext.privileged} is true, in any container list and any workload kind.
 *
 * <p>Triage: a privileged container is root on the node. Expected only for node agents (CNI, CSI,
 * monitoring); their images are trusted in the configuration. Anything else: who created it, from
 * where, and what does the image run?
 */
public final class PrivilegedContainerDetector extends PodSpecDetector {

  public static final String ALERT_TYPE = "K8S_PrivilegedContainer";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Privileged container detected",
          Severity.Medium,
          List.of("PrivilegeEscalation"),
          List.of("T1611"),
          List.of(
              "Check whether the workload really needs privileged mode; a privileged container has"
                  + " every capability and access to the node's devices, so a compromise of it is a"
                  + " compromise of the node.",
              "If it is not needed, remove securityContext.privileged or set it to false, and grant"
                  + " only the capabilities the container needs.",
              "Enforce the Pod Security Standards (baseline or restricted) on namespaces that run"
                  + " application workloads."));

  private final Allowlist allowlist;

  public PrivilegedContainerDetector(Allowlist allowlist) {
    super(INFO, PodSpecs.WRITE_VERBS);
    this.allowlist = allowlist;
  }

  @Override
  Offence offence(AuditEvent event, JsonNode spec) {
    List<PodSpecs.Container> privileged = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (PodSpecs.Container container : PodSpecs.containers(spec)) {
      if (container.node().path("securityContext").path("privileged").booleanValue()
          && !allowlist.trustsImage(container.image())) {
        privileged.add(container);
        names.add(container.name());
      }
    }
    if (privileged.isEmpty()) {
      return null;
    }
    return new Offence(
        "with privileged container" + (names.size() > 1 ? "s " : " ") + String.join(", ", names),
        "A privileged container can take over the node it runs on.",
        privileged,
        Map.of(
            "containers", String.join(",", names),
            "images", String.join(",", Matches.images(privileged))));
  }
}
