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
 * {@code VIGIL_WildcardRole}: a Role or ClusterRole written with {@code *} in a rule's verbs or
 * resources (Falco "ClusterRole With Wildcard Created").
 *
 * <p>Triage: a wildcard grants every future resource and verb too. Ask the owner for the specific
 * list.
 */
public final class WildcardRoleDetector implements Detector {

  public static final String ALERT_TYPE = "VIGIL_WildcardRole";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Role with wildcard permissions",
          Severity.Medium,
          List.of("Persistence", "PrivilegeEscalation"),
          List.of("T1098"),
          List.of("Replace the wildcard with the verbs and resources the subject needs."));

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
      if (RoleRules.values(rule, "verbs").contains("*")
          || RoleRules.values(rule, "resources").contains("*")) {
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
            "with wildcard rules " + String.join("; ", rules),
            "A wildcard grants every resource or verb, including ones added later.",
            String.join("; ", rules)));
  }
}
