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
 * {@code K8S_PrivilegedContainer}: a workload written with a container whose {@code
 * securityContext.privileged} is true, in any container list and any workload kind.
 *
 * <p>Triage: a privileged container is root on the node. Expected only for node agents (CNI, CSI,
 * monitoring); their images are trusted in the configuration. Anything else: who created it, from
 * where, and what does the image run?
 */
public final class PrivilegedContainerDetector implements Detector {

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

  private static final Interest INTEREST =
      Interest.of(PodSpecs.WRITE_VERBS, PodSpecs.WORKLOAD_RESOURCES);

  private final Allowlist allowlist;

  public PrivilegedContainerDetector(Allowlist allowlist) {
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
    List<PodSpecs.Container> privileged = new ArrayList<>();
    for (PodSpecs.Container container : PodSpecs.containers(spec)) {
      if (container.node().path("securityContext").path("privileged").booleanValue()
          && !allowlist.trustsImage(container.image())) {
        privileged.add(container);
      }
    }
    if (privileged.isEmpty()) {
      return List.of();
    }
    JsonNode object = Requests.writtenObject(event);
    String kind = PodSpecs.workloadKind(event);
    String namespace = Requests.objectNamespace(event, object);
    String name = Requests.objectName(event, object);
    String qualified = Requests.qualified(namespace, name);

    List<String> names = new ArrayList<>();
    Set<String> images = new LinkedHashSet<>();
    for (PodSpecs.Container container : privileged) {
      names.add(container.name());
      if (!container.image().isEmpty()) {
        images.add(container.image());
      }
    }
    List<Entity> entities = new ArrayList<>();
    entities.add(Entity.of("user", event.username()));
    if (namespace != null) {
      entities.add(Entity.of("namespace", namespace));
    }
    entities.add(Entity.of("Pod".equals(kind) ? "pod" : "workload", qualified));
    for (String image : images) {
      entities.add(Entity.of("image", image));
    }
    String description =
        "User "
            + event.username()
            + " "
            + Requests.pastTense(event.verb())
            + " "
            + kind
            + " "
            + qualified
            + " with privileged container"
            + (names.size() > 1 ? "s " : " ")
            + String.join(", ", names)
            + ". A privileged container can take over the node it runs on.";
    return List.of(
        new Match(
            Requests.entity(namespace, kind, name),
            entities,
            description,
            Map.of(
                "kind", kind,
                "containers", String.join(",", names),
                "images", String.join(",", images))));
  }
}
