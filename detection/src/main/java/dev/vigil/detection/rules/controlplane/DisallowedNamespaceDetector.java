package dev.vigil.detection.rules.controlplane;

import dev.vigil.detection.config.Allowlist;
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
 * {@code VIGIL_DisallowedNamespace}: a namespace created whose name is not among the trusted
 * namespaces of this type (Falco "Create Disallowed Namespace"; Falco's {@code allowed_namespaces}
 * ship as the list). Off until switched on.
 *
 * <p>Triage: namespaces normally come from a provisioning pipeline; an ad-hoc one may be an
 * attacker's base outside the policies of the others.
 */
public final class DisallowedNamespaceDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_DisallowedNamespace";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Namespace created outside the allow-list",
          Severity.Low,
          List.of("DefenseEvasion", "Persistence"),
          List.of(),
          List.of(
              "Check who created the namespace and why; add it to the trusted namespaces of"
                  + " VIGIL_DisallowedNamespace if legitimate."));

  private static final Interest INTEREST = Interest.of(Set.of("create"), Set.of("namespaces"));

  private final Allowlist allowlist;

  public DisallowedNamespaceDetector(Allowlist allowlist) {
    super(INFO, INTEREST);
    this.allowlist = allowlist;
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String name = Requests.objectName(event, Requests.writtenObject(event));
    if (!Matches.noSubresource(event) || allowlist.trustsNamespace(name)) {
      return List.of();
    }
    String description =
        "User " + event.username() + " created namespace " + name
            + ", which is not in the allow-list.";
    return List.of(
        Matches.about(event, "Namespace", null, name, "namespace", description, Map.of()));
  }
}
