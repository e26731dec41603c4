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
 * {@code VIGIL_HostNamespacePod}: a workload written with {@code hostNetwork}, {@code hostPID} or
 * {@code hostIPC} (Falco "Create HostNetwork Pod", extended to the PID and IPC namespaces).
 *
 * <p>Triage: a pod in the host's network sees node traffic and local-only services (kubelet, cloud
 * metadata); in the host's PID namespace it can signal and ptrace node processes. Expected for CNI
 * and node agents only (trusted images).
 */
public final class HostNamespacePodDetector extends PodSpecDetector {

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

  private final Allowlist allowlist;

  public HostNamespacePodDetector(Allowlist allowlist) {
    super(INFO, PodSpecs.WRITE_VERBS);
    this.allowlist = allowlist;
  }

  @Override
  Offence offence(AuditEvent event, JsonNode spec) {
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
      return null;
    }
    List<PodSpecs.Container> containers = PodSpecs.containers(spec);
    if (allowlist.trustsAllImages(containers)) {
      return null;
    }
    return new Offence(
        "with " + String.join(", ", shared),
        "A pod in a host namespace sees the node's network or processes.",
        containers,
        Map.of(
            "hostNamespaces", String.join(",", shared),
            "images", String.join(",", Matches.images(containers))));
  }
}
