package dev.vigil.detection.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the pod spec in the object a create, update or patch request writes, whatever the workload
 * kind, and walks its containers. For detectors of container settings (privileged, host mounts, host
 * namespaces, images, ...).
 */
public final class PodSpecs {

  /** Verbs that write an object. */
  public static final Set<String> WRITE_VERBS = Set.of("create", "update", "patch");

  /** Resources whose objects carry a pod spec. */
  public static final Set<String> WORKLOAD_RESOURCES =
      Set.of(
          "pods",
          "deployments",
          "replicasets",
          "statefulsets",
          "daemonsets",
          "jobs",
          "cronjobs",
          "replicationcontrollers",
          "podtemplates");

  /** The container lists of a pod spec, in the order they are walked. */
  public static final List<String> CONTAINER_LISTS =
      List.of("containers", "initContainers", "ephemeralContainers");

  static final Map<String, String> KIND_BY_RESOURCE =
      Map.of(
          "pods", "Pod",
          "deployments", "Deployment",
          "replicasets", "ReplicaSet",
          "statefulsets", "StatefulSet",
          "daemonsets", "DaemonSet",
          "jobs", "Job",
          "cronjobs", "CronJob",
          "replicationcontrollers", "ReplicationController",
          "podtemplates", "PodTemplate");

  private PodSpecs() {}

  /**
   * One container of a pod spec.
   *
   * @param list which list it is in: {@code containers}, {@code initContainers} or {@code
   *     ephemeralContainers}
   * @param node the container object
   */
  public record Container(String list, JsonNode node) {
    public String name() {
      return node.path("name").asText("");
    }

    public String image() {
      return node.path("image").asText("");
    }
  }

  /**
   * The pod spec that a create, update or patch of a workload writes, or null. Covers Pod (also its
   * {@code ephemeralcontainers} subresource), Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
   * ReplicationController ({@code spec.template.spec}), CronJob ({@code
   * spec.jobTemplate.spec.template.spec}) and PodTemplate ({@code template.spec}). Other
   * subresources ({@code status}, {@code scale}, {@code binding}, ...) do not change a pod spec and
   * give null. For a strategic-merge or merge patch the result is the patched part only.
   */
  public static JsonNode podSpec(AuditEvent event) {
    String kind = workloadKind(event);
    if (kind == null) {
      return null;
    }
    String subresource = event.subresource();
    if (subresource != null
        && !subresource.isEmpty()
        && !("Pod".equals(kind) && "ephemeralcontainers".equals(subresource))) {
      return null;
    }
    JsonNode object = Requests.writtenObject(event);
    if (object == null) {
      return null;
    }
    JsonNode spec =
        switch (kind) {
          case "Pod" -> object.path("spec");
          case "PodTemplate" -> object.path("template").path("spec");
          case "CronJob" -> object.path("spec").path("jobTemplate").path("spec").path("template")
              .path("spec");
          default -> object.path("spec").path("template").path("spec");
        };
    return spec.isObject() ? spec : null;
  }

  /**
   * The workload kind of the event's object ({@code Pod}, {@code Deployment}, ...), from the
   * request's resource, or null when the resource carries no pod spec.
   */
  public static String workloadKind(AuditEvent event) {
    String resource = event.resource();
    return resource == null ? null : KIND_BY_RESOURCE.get(resource);
  }

  /** Every container of a pod spec: {@code containers}, then {@code initContainers}, then {@code ephemeralContainers}. */
  public static List<Container> containers(JsonNode podSpec) {
    List<Container> containers = new ArrayList<>();
    if (podSpec == null) {
      return containers;
    }
    for (String list : CONTAINER_LISTS) {
      JsonNode items = podSpec.path(list);
      if (items.isArray()) {
        for (JsonNode item : items) {
          if (item.isObject()) {
            containers.add(new Container(list, item));
          }
        }
      }
    }
    return containers;
  }
}
