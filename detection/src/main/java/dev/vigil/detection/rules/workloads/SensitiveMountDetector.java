package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
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
public final class SensitiveMountDetector implements Detector {

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

  private static final Interest INTEREST =
      Interest.of(PodSpecs.WRITE_VERBS, PodSpecs.WORKLOAD_RESOURCES);

  private final SensitiveHostPaths sensitive;

  private final Allowlist allowlist;

  public SensitiveMountDetector(SensitiveHostPaths sensitive, Allowlist allowlist) {
    this.sensitive = sensitive;
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
      return List.of();
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
      return List.of();
    }
    JsonNode object = Requests.writtenObject(event);
    String kind = PodSpecs.workloadKind(event);
    String namespace = Requests.objectNamespace(event, object);
    String name = Requests.objectName(event, object);
    String qualified = Requests.qualified(namespace, name);

    List<Entity> entities = new ArrayList<>();
    entities.add(Entity.of("user", event.username()));
    if (namespace != null) {
      entities.add(Entity.of("namespace", namespace));
    }
    entities.add(Entity.of("Pod".equals(kind) ? "pod" : "workload", qualified));
    String mountedBy =
        mountingContainers.isEmpty()
            ? ", not yet mounted by any container"
            : ", mounted by container " + String.join(", ", mountingContainers);
    String description =
        "User "
            + event.username()
            + " "
            + Requests.pastTense(event.verb())
            + " "
            + kind
            + " "
            + qualified
            + " with host path "
            + String.join(", ", hostPaths)
            + mountedBy
            + ". A container with this mount can read node secrets or escape to the node.";
    return List.of(
        new Match(
            Requests.entity(namespace, kind, name),
            entities,
            description,
            Map.of(
                "kind", kind,
                "hostPaths", String.join(",", hostPaths),
                "volumes", String.join(",", volumes),
                "containers", String.join(",", mountingContainers))));
  }
}
