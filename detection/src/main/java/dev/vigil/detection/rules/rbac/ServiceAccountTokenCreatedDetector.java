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
 * {@code VIGIL_ServiceAccountTokenCreated}: a service-account token requested through the {@code
 * serviceaccounts/token} subresource ({@code kubectl create token}) by a principal other than the
 * kubelets and control-plane components trusted for this type.
 *
 * <p>Triage: a minted token is a long-lived credential of that account outside any pod. Who needs
 * it, and for how long (check {@code expirationSeconds})?
 */
public final class ServiceAccountTokenCreatedDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_ServiceAccountTokenCreated";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Service-account token created",
          Severity.Medium,
          List.of("CredentialAccess", "Persistence"),
          List.of("T1528"),
          List.of(
              "Ask the user what the token is for; prefer short expirations and workload identity.",
              "If unexpected, delete and recreate the service account to invalidate the token."));

  private static final Interest INTEREST =
      Interest.of(Set.of("create"), Set.of("serviceaccounts"));

  public ServiceAccountTokenCreatedDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!"token".equals(event.subresource())) {
      return List.of();
    }
    String namespace = Requests.namespace(event);
    String name = Requests.objectName(event, null);
    String expiration =
        event.requestObject() == null
            ? ""
            : event.requestObject().path("spec").path("expirationSeconds").asText("");
    String description =
        "User "
            + event.username()
            + " created a token for service account "
            + Requests.qualified(namespace, name)
            + (expiration.isEmpty() ? "" : ", valid " + expiration + " s")
            + ". The token works outside any pod.";
    return List.of(
        Matches.about(
            event,
            "ServiceAccount",
            namespace,
            name,
            "user",
            description,
            expiration.isEmpty() ? Map.of() : Map.of("expirationSeconds", expiration)));
  }
}
