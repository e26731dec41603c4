package dev.vigil.detection.rules.access;

import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code VIGIL_ImpersonationPrivileged}: a request made while impersonating a privileged user or
 * group (lists {@code privilegedUsers}, {@code privilegedGroups}: {@code system:admin}, {@code
 * system:masters}, kube-system service accounts, ...), read from the event's {@code
 * impersonatedUser}.
 *
 * <p>Triage: the impersonate permission turns any principal into the one impersonated. Who holds
 * it, and was this an administrator's deliberate {@code --as}?
 */
public final class ImpersonationPrivilegedDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_ImpersonationPrivileged";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Impersonation of a privileged user or group",
          Severity.High,
          List.of("PrivilegeEscalation"),
          List.of("T1134", "T1078"),
          List.of(
              "Confirm with the user that the impersonation was deliberate.",
              "Restrict the impersonate verb to the few administrators who need it, with"
                  + " resourceNames."));

  private static final Interest INTEREST = Interest.any();

  private final Allowlist privileged;

  public ImpersonationPrivilegedDetector(List<String> users, List<String> groups) {
    super(INFO, INTEREST);
    // An Allowlist is a matcher of exact and prefix entries: here it lists the privileged.
    this.privileged = new Allowlist(users, groups, List.of(), List.of());
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    AuditEvent.UserInfo as = event.impersonatedUser();
    if (as == null) {
      return List.of();
    }
    List<String> matched = new ArrayList<>();
    if (as.username() != null && privileged.trustsUser(as.username())) {
      matched.add(as.username());
    }
    for (String group : as.groupsOrEmpty()) {
      if (privileged.trustsGroup(group)) {
        matched.add("group " + group);
      }
    }
    if (matched.isEmpty()) {
      return List.of();
    }
    String description =
        "User "
            + event.username()
            + " impersonated "
            + String.join(", ", matched)
            + " to "
            + event.verb()
            + (event.resourcePath() == null ? " " + event.requestURI() : " " + event.resourcePath())
            + ".";
    return List.of(
        Matches.aboutUser(
            event,
            description,
            Map.of(
                "impersonatedUser", String.valueOf(as.username()),
                "impersonatedGroups", String.join(",", as.groupsOrEmpty()))));
  }
}
