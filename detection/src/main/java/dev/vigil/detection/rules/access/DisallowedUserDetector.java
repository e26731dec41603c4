package dev.vigil.detection.rules.access;

import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;

/**
 * {@code VIGIL_DisallowedUser}: any request by a user outside the trusted users of this type (Falco
 * "Disallowed K8s User"). The detector fires for every request; the allow-list does the work, so it
 * is off until switched on. The shipped list holds Falco's {@code allowed_k8s_users} and every
 * {@code system:} principal.
 *
 * <p>Triage: a user nobody listed is a new administrator, a leaked kubeconfig, or a list to update.
 */
public final class DisallowedUserDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_DisallowedUser";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Request by a user outside the allow-list",
          Severity.Medium,
          List.of("InitialAccess"),
          List.of("T1078"),
          List.of(
              "Check who the user is; add them to the trusted users of VIGIL_DisallowedUser if"
                  + " legitimate, otherwise revoke their credential."));

  private static final Interest INTEREST = Interest.any();

  public DisallowedUserDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String what = event.resourcePath() == null ? event.requestURI() : event.resourcePath();
    return List.of(
        Matches.aboutUser(
            event,
            "User " + event.username() + ", who is not in the allow-list, sent " + event.verb()
                + " " + what + ".",
            Map.of()));
  }
}
