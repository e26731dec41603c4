package dev.vigil.detection.rules.access;

import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.Principals;
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
 * {@code VIGIL_PermissionsDiscoveryBySA}: a service account asking what it may do ({@code
 * selfsubjectaccessreviews} or {@code selfsubjectrulesreviews}: {@code kubectl auth can-i}). Sigma
 * "RBAC permissions listing", Elastic "service account permission discovery".
 *
 * <p>Triage: workloads rarely ask; an attacker with a stolen pod token asks first. Which pod holds
 * this account, and is it running an unexpected process?
 */
public final class PermissionsDiscoveryBySaDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_PermissionsDiscoveryBySA";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Permission discovery by a service account",
          Severity.Low,
          List.of("Discovery"),
          List.of("T1069"),
          List.of(
              "Find the pods that run as this service account and check them for unexpected"
                  + " processes.",
              "If the workload does this by design, trust the account for this alert type."));

  private static final Interest INTEREST =
      Interest.of(Set.of("create"), Set.of("selfsubjectaccessreviews", "selfsubjectrulesreviews"));

  public PermissionsDiscoveryBySaDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String user = event.username();
    if (!Principals.isServiceAccount(user)) {
      return List.of();
    }
    String description =
        "Service account "
            + user
            + " asked the API server what it is allowed to do ("
            + event.resource()
            + "), a typical first step with a stolen token.";
    return List.of(Matches.aboutUser(event, description, Map.of("review", event.resource())));
  }
}
