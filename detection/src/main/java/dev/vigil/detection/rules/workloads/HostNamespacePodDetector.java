package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code VIGIL_HostNamespacePod}: a workload written with {@code hostNetwork}, {@code hostPID} or
 * {@code hostIPC} (Falco "Create HostNetwork Pod", extended to the PID and IPC namespaces).
 *
 * <p>Triage: a pod in the host's network sees node traffic and local-only services (kubelet, cloud
 * metadata); in the host's PID namespace it can signal and ptrace node processes. Expected for CNI
 * and node agents only (trusted images).
 */
public final class HostNamespacePodDetector implements Detector {

  public static final String ALERT_TYPE = "VIGIL_HostNamespacePod";
  private static final List<String> FIELDS = List.of("hostNetwork", "hostPID", "hostIPC");

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Pod sharing a host namespace detected",
          Severity.Medium,
          List.of("PrivilegeEscalation"),
          List.of("T1611"),
          List.of(
              "Check whether the workload needs the host's network, PID or IPC namespace; only node"
                  + " agents normally do.",
              "Remove hostNetwork/hostPID/hostIPC, or trust the agent's image in the detection"
                  + " configuration.",
              "Enforce the Pod Security Standards (baseline forbids host namespaces)."));

  private static final Interest INTEREST =
      Interest.of(PodSpecs.WRITE_VERBS, PodSpecs.WORKLOAD_RESOURCES);

  private final Allowlist allowlist;

  public HostNamespacePodDetector(Allowlist allowlist) {
    this.allowlist = allowlist;
  }

  @Override
  public DetectorInfo info() {
    return INFO;
  }

  @Override
  public Interest interest() {
    return INTEREST;
  }

  @Override
  public List<Match> inspect(AuditEvent event) {
    JsonNode spec = PodSpecs.podSpec(event);
    if (spec == null) {
      return List.of();
    }
    List<String> shared = null;
    for (String field : FIELDS) {
      if (spec.path(field).booleanValue()) {
        if (shared == null) {
          shared = new ArrayList<>();
        }
        shared.add(field);
      }
    }
    if (shared == null) {
      return List.of();
    }
    List<PodSpecs.Container> containers = PodSpecs.containers(spec);
    if (allowlist.trustsAllImages(containers)) {
      return List.of();
    }
    return List.of(
        Matches.workload(
            event,
            "with " + String.join(", ", shared),
            "A pod in a host namespace sees the node's network or processes.",
            containers,
            Map.of(
                "kind", PodSpecs.workloadKind(event),
                "hostNamespaces", String.join(",", shared),
                "images", String.join(",", Matches.images(containers)))));
  }
}
