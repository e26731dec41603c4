package dev.vigil.detection.rules.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A Role or ClusterRole written (create, update, or a patch that carries {@code rules}) with a rule
 * that grants too much: a family of alert types that differ only in data ({@link Grant}): what a
 * single rule grants that matters, and how the alert says it. The role is the entity; evidence
 * {@code kind} and {@code rules}, the offending rules rendered as {@code verbs=[get,list]
 * resources=[secrets]}, joined by {@code "; "}.
 */
public final class RoleRuleDetector extends AbstractDetector {

  /** Resources that hold RBAC rules. */
  static final Set<String> RESOURCES = Set.of("roles", "clusterroles");

  /** Verbs that change the cluster (Falco {@code writable_verbs}). */
  static final Set<String> WRITE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection");

  private static final Set<String> ESCALATING_VERBS = Set.of("escalate", "bind", "impersonate");
  private static final Set<String> READ_VERBS = Set.of("get", "list", "watch", "*");
  private static final Set<String> TAKEOVER_RESOURCES =
      Set.of("pods/exec", "pods/*", "nodes/proxy", "nodes/*");

  /** A patch body counts where it carries rules. */
  private static final Interest INTEREST = Interest.of(PodSpecs.WRITE_VERBS, RESOURCES);

  /**
   * The members of the family, one alert type each. Their {@code what} follows "User U created
   * ClusterRole name " and may name what the rules grant ({@code %1$s}, joined by {@code ", "}) and
   * the offending rules ({@code %2$s}).
   */
  public enum Grant {
    /**
     * {@code K8S_HighPrivilegesRole}: a rule that grants a cluster-takeover permission: wildcard
     * verbs or resources, reading secrets ({@code get}, {@code list}, {@code watch}), the {@code
     * escalate}, {@code bind} or {@code impersonate} verbs, {@code pods/exec} or {@code
     * nodes/proxy}. A rule is shown when it grants something no earlier rule did.
     *
     * <p>Triage: each of these permissions leads to cluster-admin in one or two steps. Who is the
     * role for? Check the bindings that use it.
     */
    HIGH_PRIVILEGES(
        new DetectorInfo(
            "K8S_HighPrivilegesRole",
            "New high privileges role detected",
            Severity.Low,
            List.of("Persistence", "PrivilegeEscalation"),
            List.of("T1078", "T1098"),
            List.of(
                "Check who the role is for and which bindings use it.",
                "Replace wildcards and escalating permissions with the specific verbs and resources"
                    + " needed.")),
        RoleRuleDetector::takeoverPermissions,
        true,
        "granting %1$s",
        "Each of these permissions leads to control of the cluster."),
    /**
     * {@code VIGIL_WildcardRole}: {@code *} in a rule's verbs or resources (Falco "ClusterRole With
     * Wildcard Created").
     *
     * <p>Triage: a wildcard grants every future resource and verb too. Ask the owner for the
     * specific list.
     */
    WILDCARD(
        new DetectorInfo(
            "VIGIL_WildcardRole",
            "Role with wildcard permissions",
            Severity.Medium,
            List.of("Persistence", "PrivilegeEscalation"),
            List.of("T1098"),
            List.of("Replace the wildcard with the verbs and resources the subject needs.")),
        rule ->
            fieldValues(rule, "verbs").contains("*") || fieldValues(rule, "resources").contains("*")
                ? List.of("*")
                : List.of(),
        false,
        "with wildcard rules %2$s",
        "A wildcard grants every resource or verb, including ones added later."),
    /**
     * {@code VIGIL_WriteRole}: a write verb ({@code create}, {@code update}, {@code patch}, {@code
     * delete}, {@code deletecollection}) in any rule, resource or non-resource (Falco "ClusterRole
     * With Write Privileges Created").
     *
     * <p>Triage: informational on its own; useful next to a binding of the role to an unexpected
     * subject.
     */
    WRITE(
        new DetectorInfo(
            "VIGIL_WriteRole",
            "Role with write permissions",
            Severity.Low,
            List.of("Persistence"),
            List.of("T1098"),
            List.of("Check that the role's write permissions match what its subjects need.")),
        rule -> fieldValues(rule, "verbs").stream().filter(WRITE_VERBS::contains).toList(),
        false,
        "granting write verbs %1$s",
        "Its subjects can change the cluster."),
    /**
     * {@code VIGIL_PodExecRole}: {@code pods/exec} (or {@code pods/*}) in a rule's resources (Falco
     * "ClusterRole With Pod Exec Created").
     *
     * <p>Triage: exec into pods gives the subject every pod's service account and secrets in scope.
     */
    POD_EXEC(
        new DetectorInfo(
            "VIGIL_PodExecRole",
            "Role granting exec into pods",
            Severity.Medium,
            List.of("Execution", "PrivilegeEscalation"),
            List.of("T1098", "T1609"),
            List.of(
                "Check who is bound to the role; exec into pods should be a break-glass"
                    + " permission.")),
        rule ->
            fieldValues(rule, "resources").contains("pods/exec")
                    || fieldValues(rule, "resources").contains("pods/*")
                ? List.of("pods/exec")
                : List.of(),
        false,
        "granting pods/exec",
        "Its subjects can run commands in pods and take their identities.");

    private final DetectorInfo info;
    private final Function<JsonNode, Collection<String>> grants;
    private final boolean onlyRulesGrantingMore;
    private final String what;
    private final String why;

    /**
     * @param grants what one rule grants that matters, in order; empty when nothing
     * @param onlyRulesGrantingMore whether a rule is shown only when it grants something that no
     *     earlier rule of the role did (else every rule that grants something is)
     */
    Grant(
        DetectorInfo info,
        Function<JsonNode, Collection<String>> grants,
        boolean onlyRulesGrantingMore,
        String what,
        String why) {
      this.info = info;
      this.grants = grants;
      this.onlyRulesGrantingMore = onlyRulesGrantingMore;
      this.what = what;
      this.why = why;
    }

    public String alertType() {
      return info.alertType();
    }
  }

  private final Grant grant;

  public RoleRuleDetector(Grant grant) {
    super(grant.info, INTEREST);
    this.grant = grant;
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    JsonNode role = written(event);
    if (role == null) {
      return List.of();
    }
    Set<String> granted = new LinkedHashSet<>();
    List<String> rules = new ArrayList<>();
    for (JsonNode rule : role.path("rules")) {
      Collection<String> grants = grant.grants.apply(rule);
      boolean more = granted.addAll(grants);
      if (grant.onlyRulesGrantingMore ? more : !grants.isEmpty()) {
        rules.add(render(rule));
      }
    }
    if (rules.isEmpty()) {
      return List.of();
    }
    String joined = String.join("; ", rules);
    boolean cluster = "clusterroles".equals(event.resource());
    String kind = cluster ? "ClusterRole" : "Role";
    String namespace = cluster ? null : Requests.objectNamespace(event, role);
    String name = Requests.objectName(event, role);
    String description =
        Matches.subject(event, kind, Requests.qualified(namespace, name))
            + " "
            + String.format(Locale.ROOT, grant.what, String.join(", ", granted), joined)
            + ". "
            + grant.why;
    return List.of(
        Matches.about(
            event, kind, namespace, name, "role", description, Map.of("kind", kind, "rules", joined)));
  }

  /** The role object a create, update or patch writes, with a {@code rules} array; else null. */
  private static JsonNode written(AuditEvent event) {
    if (!Matches.noSubresource(event) || !RESOURCES.contains(event.resource())) {
      return null;
    }
    JsonNode object = Requests.writtenObject(event);
    return object != null && object.path("rules").isArray() ? object : null;
  }

  /** What of {@link Grant#HIGH_PRIVILEGES} one rule grants. */
  private static Collection<String> takeoverPermissions(JsonNode rule) {
    Set<String> verbs = fieldValues(rule, "verbs");
    Set<String> resources = fieldValues(rule, "resources");
    List<String> found = new ArrayList<>();
    if (verbs.contains("*") || resources.contains("*")) {
      found.add("wildcards");
    }
    if (resources.contains("secrets") && verbs.stream().anyMatch(READ_VERBS::contains)) {
      found.add("reading secrets");
    }
    for (String verb : verbs) {
      if (ESCALATING_VERBS.contains(verb)) {
        found.add("the " + verb + " verb");
      }
    }
    for (String resource : resources) {
      if (TAKEOVER_RESOURCES.contains(resource)) {
        found.add(resource);
      }
    }
    return found;
  }

  /** The string values of one field of a rule ({@code verbs}, {@code resources}, ...). */
  private static Set<String> fieldValues(JsonNode rule, String field) {
    Set<String> values = new LinkedHashSet<>();
    for (JsonNode value : rule.path(field)) {
      if (value.isTextual()) {
        values.add(value.asText());
      }
    }
    return values;
  }

  /** A one-line rendering of a rule: {@code verbs=[get,list] resources=[secrets]}. */
  private static String render(JsonNode rule) {
    StringBuilder out = new StringBuilder();
    for (String field : new String[] {"verbs", "apiGroups", "resources", "nonResourceURLs"}) {
      Set<String> values = fieldValues(rule, field);
      if (!values.isEmpty()) {
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(field).append("=[").append(String.join(",", values)).append(']');
      }
    }
    return out.toString();
  }
}
