package dev.vigil.detection.rules.controlplane;

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
 * {@code VIGIL_ResourceActivity}: the informational create and delete activity of Falco's "K8s
 * &lt;Kind&gt; Created/Deleted" rules, for the resources of list {@code activityResources}
 * (Deployments, Services, ConfigMaps, Namespaces, ServiceAccounts, Roles, bindings, Secrets). As in
 * Falco, secrets in a system namespace or written by a {@code system:} principal are left out. Off
 * until switched on: it is an activity feed, not a threat.
 *
 * <p>Triage: none on its own; it gives context to the other alerts.
 */
public final class ResourceActivityDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_ResourceActivity";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Kubernetes resource created or deleted",
          Severity.Informational,
          List.of(),
          List.of(),
          List.of("No action needed: this is activity for context."));

  private final Set<String> systemNamespaces;

  public ResourceActivityDetector(List<String> resources, List<String> systemNamespaces) {
    super(INFO, Interest.of(Set.of("create", "delete"), resources));
    this.systemNamespaces = Set.copyOf(systemNamespaces);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!Matches.noSubresource(event)) {
      return List.of();
    }
    String resource = event.resource();
    String namespace = Requests.namespace(event);
    if ("secrets".equals(resource)
        && ((namespace != null && systemNamespaces.contains(namespace))
            || (event.username() != null && event.username().startsWith("system:")))) {
      return List.of();
    }
    String kind = Matches.kindOf(resource);
    String name = Requests.objectName(event, Requests.writtenObject(event));
    if ("namespaces".equals(resource)) {
      namespace = null;
    }
    String description = Matches.subject(event, kind, Requests.qualified(namespace, name)) + ".";
    return List.of(
        Matches.about(
            event, kind, namespace, name, Matches.entityType(resource), description, Map.of("kind", kind)));
  }
}
