package dev.vigil.detection.rules.stateful;

import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Principals;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.stateful.SequenceRule;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_RbacThenWorkload}, in plain Java: which events are the first step (an RBAC grant) and
 * which the second (a workload create or an exec) of the sequence. The processor pairs them per
 * principal within the configured time.
 */
final class RbacThenWorkloadRule extends NamedRule implements SequenceRule {

  static final String ALERT_TYPE = "VIGIL_RbacThenWorkload";

  static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "RBAC grant followed by a workload or exec",
          Severity.High,
          List.of("PrivilegeEscalation", "Execution"),
          List.of("T1098", "T1610", "T1609"),
          List.of(
              "Review the role or binding this principal changed, and revert it unless it is approved.",
              "Inspect the workload it then created or the container it exec'd into.",
              "If the principal should not manage RBAC, revoke its credential."));

  private static final Set<String> RBAC_RESOURCES =
      Set.of("roles", "clusterroles", "rolebindings", "clusterrolebindings");
  private static final Set<String> GRANT_VERBS = Set.of("create", "patch", "update");

  private final Duration within;

  /** @param within how long after the grant a workload or exec counts */
  RbacThenWorkloadRule(Duration within) {
    super(INFO, "rbac-then-workload");
    this.within = within;
  }

  @Override
  public Duration within() {
    return within;
  }

  /** The grant is the first step, the workload or exec the second; null for other events. */
  @Override
  public Step step(AuditEvent event) {
    String resource = event.resource();
    String verb = event.verb();
    if (resource == null || verb == null || !Principals.succeeded(event)) {
      return null;
    }
    String subresource = event.subresource();
    boolean noSubresource = subresource == null || subresource.isEmpty();
    if (RBAC_RESOURCES.contains(resource) && GRANT_VERBS.contains(verb) && noSubresource) {
      return Step.FIRST;
    }
    if (!"create".equals(verb)) {
      return null;
    }
    if ("pods".equals(resource) && ("exec".equals(subresource) || "attach".equals(subresource))) {
      return Step.SECOND;
    }
    if (noSubresource && PodSpecs.WORKLOAD_RESOURCES.contains(resource)
        && !"podtemplates".equals(resource)) {
      return Step.SECOND;
    }
    return null;
  }

  /** {@code create rolebindings prod/deployer}, the way a step is shown. */
  @Override
  public String label(AuditEvent event) {
    String namespace = Requests.namespace(event);
    String name = event.objectName();
    if (name == null || name.isEmpty()) {
      name = event.requestObject() == null ? "(unnamed)"
          : event.requestObject().path("metadata").path("name").asText("(unnamed)");
    }
    return event.verb() + " " + event.resourcePath() + " "
        + (namespace == null ? name : namespace + "/" + name);
  }

  @Override
  public String entityType(AuditEvent event, Step step) {
    if (step == Step.SECOND) {
      return "workload";
    }
    return event.resource().endsWith("roles") ? "role" : "binding";
  }

  @Override
  public String describe(
      String user, String cluster, String first, String second, long secondsBetween) {
    return user + " changed RBAC (" + first + ") and " + secondsBetween + " s later did " + second
        + " in cluster " + cluster + ": a grant used at once to run code.";
  }

  @Override
  public Map<String, String> evidence(String first, String second) {
    return Map.of("rbacChange", first, "followedBy", second);
  }
}
