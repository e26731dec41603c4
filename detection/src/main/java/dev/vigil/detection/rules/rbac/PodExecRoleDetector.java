package dev.vigil.detection.rules.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code VIGIL_PodExecRole}: a Role or ClusterRole written with {@code pods/exec} (or {@code
 * pods/*}) in a rule's resources (Falco "ClusterRole With Pod Exec Created").
 *
 * <p>Triage: exec into pods gives the subject every pod's service account and secrets in scope.
 */
public final class PodExecRoleDetector implements Detector {

  public static final String ALERT_TYPE = "VIGIL_PodExecRole";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Role granting exec into pods",
          Severity.Medium,
          List.of("Execution", "PrivilegeEscalation"),
          List.of("T1098", "T1609"),
          List.of(
              "Check who is bound to the role; exec into pods should be a break-glass permission."));

  private static final Interest INTEREST = Interest.of(RoleRules.VERBS, RoleRules.RESOURCES);

  @Override
  public DetectorInfo info() {
    return INFO;
  }

  @Override
  public Interest interest() {
    return INTEREST;
  }

  @Override
  public List<Match> inspect(AuditEvent event) {
    JsonNode role = RoleRules.written(event);
    if (role == null) {
      return List.of();
    }
    List<String> rules = new ArrayList<>();
    for (JsonNode rule : role.path("rules")) {
      var resources = RoleRules.values(rule, "resources");
      if (resources.contains("pods/exec") || resources.contains("pods/*")) {
        rules.add(RoleRules.render(rule));
      }
    }
    if (rules.isEmpty()) {
      return List.of();
    }
    return List.of(
        RoleRules.match(
            event,
            role,
            "granting pods/exec",
            "Its subjects can run commands in pods and take their identities.",
            String.join("; ", rules)));
  }
}
