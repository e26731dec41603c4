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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_SidecarInjection}: a patch that adds a container to an existing workload (Sigma
 * "sidecar injection", which flags every patch of a Deployment; this rule looks at the patch).
 *
 * <p>A JSON Patch counts when it {@code add}s to a {@code containers} or {@code initContainers}
 * list. A strategic-merge or merge patch counts when one of its container entries is a whole
 * container definition (an {@code image} plus {@code command}, {@code args}, {@code volumeMounts},
 * {@code ports} or {@code securityContext}); a patch changing only an image ({@code kubectl set
 * image}) does not.
 *
 * <p>Triage: a sidecar shares the pod's network, service account and volumes; attackers add one to
 * a trusted workload to run code under its identity. Compare with the workload's manifests.
 */
public final class SidecarInjectionDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_SidecarInjection";
  private static final List<String> DEFINITION_FIELDS =
      List.of("command", "args", "volumeMounts", "ports", "securityContext");

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Container injected into an existing workload",
          Severity.Medium,
          List.of("Persistence", "DefenseEvasion"),
          List.of("T1610"),
          List.of(
              "Compare the workload with its source manifests (Git, Helm) and find who added the"
                  + " container.",
              "Remove the container if unexpected and review what the patching credential did."));

  private static final Interest INTEREST =
      Interest.of(
          Set.of("patch"),
          Set.of(
              "deployments",
              "statefulsets",
              "daemonsets",
              "replicasets",
              "replicationcontrollers",
              "cronjobs",
              "jobs"));

  public SidecarInjectionDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!Matches.noSubresource(event) || event.requestObject() == null) {
      return List.of();
    }
    List<PodSpecs.Container> added = new ArrayList<>();
    JsonNode patch = event.requestObject();
    if (patch.isArray()) {
      for (JsonNode op : patch) {
        String path = op.path("path").asText("");
        if ("add".equals(op.path("op").asText())
            && op.path("value").isObject()
            && addsContainer(path)) {
          added.add(new PodSpecs.Container(path, op.path("value")));
        }
      }
    } else {
      for (PodSpecs.Container container : PodSpecs.containers(PodSpecs.podSpec(event))) {
        if (isDefinition(container.node())) {
          added.add(container);
        }
      }
    }
    if (added.isEmpty()) {
      return List.of();
    }
    return List.of(
        Matches.workload(
            event,
            "adding container " + Matches.names(added).replace(",", ", "),
            "An injected container runs with the workload's identity, network and volumes.",
            added,
            Map.of(
                "kind", PodSpecs.workloadKind(event),
                "containers", Matches.names(added),
                "images", String.join(",", Matches.images(added)))));
  }

  /** {@code .../containers/-} or {@code .../containers/3} (also initContainers). */
  private static boolean addsContainer(String path) {
    int slash = path.lastIndexOf('/');
    if (slash <= 0) {
      return false;
    }
    String parent = path.substring(0, slash);
    String index = path.substring(slash + 1);
    boolean list = parent.endsWith("/containers") || parent.endsWith("/initContainers");
    return list && ("-".equals(index) || (!index.isEmpty() && index.chars().allMatch(Character::isDigit)));
  }

  private static boolean isDefinition(JsonNode container) {
    if (!container.path("image").isTextual() || container.has("$patch")) {
      return false;
    }
    for (String field : DEFINITION_FIELDS) {
      if (container.has(field)) {
        return true;
      }
    }
    return false;
  }
}
