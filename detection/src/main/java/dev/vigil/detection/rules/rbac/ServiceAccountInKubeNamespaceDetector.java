package dev.vigil.detection.rules.rbac;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code VIGIL_ServiceAccountInKubeNamespace}: a service account created in a system namespace
 * (list {@code systemNamespaces}). Falco "Service Account Created in Kube Namespace", Sigma
 * "service account creation". The controller manager, which creates its own accounts there, is
 * trusted.
 *
 * <p>Triage: an account in kube-system blends in with the controllers' accounts and is often bound
 * to powerful roles next. Look for a binding that follows.
 */
public final class ServiceAccountInKubeNamespaceDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_ServiceAccountInKubeNamespace";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Service account created in a Kubernetes system namespace",
          Severity.Medium,
          List.of("Persistence"),
          List.of("T1136"),
          List.of(
              "Find who owns the account and which roles it is bound to.",
              "Delete it if unknown, and review the creator's activity."));

  private static final Interest INTEREST =
      Interest.of(Set.of("create"), Set.of("serviceaccounts"));

  private final Set<String> systemNamespaces;

  public ServiceAccountInKubeNamespaceDetector(List<String> systemNamespaces) {
    super(INFO, INTEREST);
    this.systemNamespaces = Set.copyOf(systemNamespaces);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!Matches.noSubresource(event)) {
      return List.of();
    }
    JsonNode account = Requests.writtenObject(event);
    String namespace = Requests.objectNamespace(event, account);
    if (namespace == null || !systemNamespaces.contains(namespace)) {
      return List.of();
    }
    return List.of(
        Matches.aboutWritten(
            event,
            account,
            "ServiceAccount",
            "user",
            " in a system namespace, where it hides among the controllers' accounts.",
            Map.of()));
  }
}
