package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code K8S_SensitiveMount}: a workload written with a {@code hostPath} volume at, under or above a
 * sensitive host path ({@link SensitiveHostPaths}). It fires on the volume even when no container
 * mounts it yet, since an ephemeral container can mount it later. It stays quiet when every
 * container that mounts the volume (every container, when none does) has a trusted image.
 *
 * <p>Triage: a container with the host's {@code /etc}, {@code /var/lib/kubelet} or runtime socket
 * owns the node. Expected for log shippers and node agents; check the image and who deployed it.
 */
public final class SensitiveMountDetector extends PodSpecDetector {

  public static final String ALERT_TYPE = "K8S_SensitiveMount";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Container with a sensitive volume mount detected",
          Severity.Medium,
          List.of("PrivilegeEscalation"),
          List.of("T1611"),
          List.of(
              "Check whether the workload really needs the host path; a container that can read or"
                  + " write it can read node credentials or control the container runtime.",
              "If not, replace the hostPath volume with a ConfigMap, Secret, emptyDir or persistent"
                  + " volume.",
              "Enforce the Pod Security Standards (baseline forbids hostPath volumes)."));

  private final SensitiveHostPaths sensitive;

  private final Allowlist allowlist;

  public SensitiveMountDetector(List<String> sensitiveHostPaths, Allowlist allowlist) {
    super(INFO, PodSpecs.WRITE_VERBS);
    this.sensitive = new SensitiveHostPaths(sensitiveHostPaths);
    this.allowlist = allowlist;
  }

  @Override
  Offence offence(AuditEvent event, JsonNode spec) {
    List<String> volumes = null;
    List<String> hostPaths = null;
    for (JsonNode volume : spec.path("volumes")) {
      String hostPath = volume.path("hostPath").path("path").asText(null);
      if (hostPath != null && sensitive.sensitiveEntry(hostPath) != null) {
        if (volumes == null) {
          volumes = new ArrayList<>();
          hostPaths = new ArrayList<>();
        }
        volumes.add(volume.path("name").asText(""));
        String normalised = SensitiveHostPaths.normalise(hostPath);
        // Show what a disguised path ("/var/log/../../etc/") really mounts.
        hostPaths.add(hostPath.equals(normalised) ? hostPath : hostPath + " (" + normalised + ")");
      }
    }
    if (volumes == null) {
      return null;
    }
    Set<String> mountingContainers = new LinkedHashSet<>();
    List<PodSpecs.Container> all = PodSpecs.containers(spec);
    List<PodSpecs.Container> mounting = new ArrayList<>();
    for (PodSpecs.Container container : all) {
      for (JsonNode mount : container.node().path("volumeMounts")) {
        if (volumes.contains(mount.path("name").asText(""))) {
          mountingContainers.add(container.name());
          mounting.add(container);
          break;
        }
      }
    }
    if (allowlist.trustsAllImages(mounting.isEmpty() ? all : mounting)) {
      return null;
    }
    String mountedBy =
        mountingContainers.isEmpty()
            ? ", not yet mounted by any container"
            : ", mounted by container " + String.join(", ", mountingContainers);
    // The mount is the finding, not an image: no image entities.
    return new Offence(
        "with host path " + String.join(", ", hostPaths) + mountedBy,
        "A container with this mount can read node secrets or escape to the node.",
        List.of(),
        Map.of(
            "hostPaths", String.join(",", hostPaths),
            "volumes", String.join(",", volumes),
            "containers", String.join(",", mountingContainers)));
  }
}
