package dev.vigil.detection.rules.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code VIGIL_WriteRole}: a Role or ClusterRole written with a write verb ({@code create}, {@code
 * update}, {@code patch}, {@code delete}, {@code deletecollection}) in any rule, resource or
 * non-resource (Falco "ClusterRole With Write Privileges Created").
 *
 * <p>Triage: informational on its own; useful next to a binding of the role to an unexpected
 * subject.
 */
public final class WriteRoleDetector implements Detector {

  public static final String ALERT_TYPE = "VIGIL_WriteRole";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Role with write permissions",
          Severity.Low,
          List.of("Persistence"),
          List.of("T1098"),
          List.of("Check that the role's write permissions match what its subjects need."));

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
    Set<String> verbs = new LinkedHashSet<>();
    List<String> rules = new ArrayList<>();
    for (JsonNode rule : role.path("rules")) {
      boolean writes = false;
      for (String verb : RoleRules.values(rule, "verbs")) {
        if (RoleRules.WRITE_VERBS.contains(verb)) {
          verbs.add(verb);
          writes = true;
        }
      }
      if (writes) {
        rules.add(RoleRules.render(rule));
      }
    }
    if (verbs.isEmpty()) {
      return List.of();
    }
    return List.of(
        RoleRules.match(
            event,
            role,
            "granting write verbs " + String.join(", ", verbs),
            "Its subjects can change the cluster.",
            String.join("; ", rules)));
  }
}
