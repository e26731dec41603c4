package dev.vigil.detection.rules.rbac;

import dev.vigil.detection.kube.Matches;
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
 * {@code VIGIL_SystemRoleModified}: a {@code system:} ClusterRole (or Role) updated, patched or
 * deleted, except those in {@code systemRoleExceptions} (Falco "System ClusterRole
 * Modified/Deleted").
 *
 * <p>Triage: the API server reconciles these roles at start-up (that user is trusted); anyone else
 * changing them is widening or breaking a system component's permissions.
 */
public final class SystemRoleModifiedDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_SystemRoleModified";
  static final String SYSTEM_PREFIX = "system:";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "System role modified or deleted",
          Severity.Medium,
          List.of("PrivilegeEscalation", "Persistence"),
          List.of("T1098"),
          List.of(
              "Compare the role with the cluster's bootstrap version and find who changed it.",
              "Restore it (the API server recreates deleted bootstrap roles on restart)."));

  private static final Interest INTEREST =
      Interest.of(Set.of("update", "patch", "delete"), RoleRuleDetector.RESOURCES);

  private final Set<String> exceptions;

  public SystemRoleModifiedDetector(List<String> exceptions) {
    super(INFO, INTEREST);
    this.exceptions = Set.copyOf(exceptions);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String name = event.objectName();
    if (name == null
        || !name.startsWith(SYSTEM_PREFIX)
        || exceptions.contains(name)
        || !Matches.noSubresource(event)) {
      return List.of();
    }
    boolean cluster = "clusterroles".equals(event.resource());
    String kind = cluster ? "ClusterRole" : "Role";
    String namespace = cluster ? null : Requests.namespace(event);
    String description =
        Matches.subject(event, kind, Requests.qualified(namespace, name))
            + ", a role of the Kubernetes control plane.";
    return List.of(
        Matches.about(event, kind, namespace, name, "role", description, Map.of("kind", kind)));
  }
}
