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
 * {@code K8S_HighPrivilegesRole}: a Role or ClusterRole written with a rule that grants a
 * cluster-takeover permission: wildcard verbs or resources, reading secrets ({@code get}, {@code
 * list}, {@code watch}), the {@code escalate}, {@code bind} or {@code impersonate} verbs, {@code
 * pods/exec} or {@code nodes/proxy}.
 *
 * <p>Triage: each of these permissions leads to cluster-admin in one or two steps. Who is the role
 * for? Check the bindings that use it.
 */
public final class HighPrivilegesRoleDetector implements Detector {

  public static final String ALERT_TYPE = "K8S_HighPrivilegesRole";
  private static final Set<String> ESCALATING_VERBS = Set.of("escalate", "bind", "impersonate");
  private static final Set<String> READ_VERBS = Set.of("get", "list", "watch", "*");
  private static final Set<String> TAKEOVER_RESOURCES =
      Set.of("pods/exec", "pods/*", "nodes/proxy", "nodes/*");

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "New high privileges role detected",
          Severity.Low,
          List.of("Persistence", "PrivilegeEscalation"),
          List.of("T1078", "T1098"),
          List.of(
              "Check who the role is for and which bindings use it.",
              "Replace wildcards and escalating permissions with the specific verbs and resources"
                  + " needed."));

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
    Set<String> reasons = new LinkedHashSet<>();
    List<String> rules = new ArrayList<>();
    for (JsonNode rule : role.path("rules")) {
      Set<String> verbs = RoleRules.values(rule, "verbs");
      Set<String> resources = RoleRules.values(rule, "resources");
      int before = reasons.size();
      if (verbs.contains("*") || resources.contains("*")) {
        reasons.add("wildcards");
      }
      if (resources.contains("secrets") && verbs.stream().anyMatch(READ_VERBS::contains)) {
        reasons.add("reading secrets");
      }
      for (String verb : verbs) {
        if (ESCALATING_VERBS.contains(verb)) {
          reasons.add("the " + verb + " verb");
        }
      }
      for (String resource : resources) {
        if (TAKEOVER_RESOURCES.contains(resource)) {
          reasons.add(resource);
        }
      }
      if (reasons.size() > before) {
        rules.add(RoleRules.render(rule));
      }
    }
    if (reasons.isEmpty()) {
      return List.of();
    }
    return List.of(
        RoleRules.match(
            event,
            role,
            "granting " + String.join(", ", reasons),
            "Each of these permissions leads to control of the cluster.",
            String.join("; ", rules)));
  }
}
