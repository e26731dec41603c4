package dev.vigil.detection.rules.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reading the rules of a Role or ClusterRole that a request writes, shared by the RBAC detectors.
 * Each {@code inspect} of those detectors first calls {@link #written} and stops on null.
 */
final class RoleRules {

  /** Resources that hold RBAC rules. */
  static final Set<String> RESOURCES = Set.of("roles", "clusterroles");

  /** Verbs that write a role (a patch body counts where it carries rules). */
  static final Set<String> VERBS = PodSpecs.WRITE_VERBS;

  /** Verbs that change the cluster (Falco {@code writable_verbs}). */
  static final Set<String> WRITE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection");

  private RoleRules() {}

  /** The role object a create, update or patch writes, with a {@code rules} array; else null. */
  static JsonNode written(AuditEvent event) {
    if (!Matches.noSubresource(event) || !RESOURCES.contains(event.resource())) {
      return null;
    }
    JsonNode object = Requests.writtenObject(event);
    return object != null && object.path("rules").isArray() ? object : null;
  }

  /** The string values of one field of a rule ({@code verbs}, {@code resources}, ...). */
  static Set<String> values(JsonNode rule, String field) {
    Set<String> values = new LinkedHashSet<>();
    for (JsonNode value : rule.path(field)) {
      if (value.isTextual()) {
        values.add(value.asText());
      }
    }
    return values;
  }

  /** A one-line rendering of a rule: {@code verbs=[get,list] resources=[secrets]}. */
  static String render(JsonNode rule) {
    StringBuilder out = new StringBuilder();
    for (String field : new String[] {"verbs", "apiGroups", "resources", "nonResourceURLs"}) {
      Set<String> values = values(rule, field);
      if (!values.isEmpty()) {
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(field).append("=[").append(String.join(",", values)).append(']');
      }
    }
    return out.toString();
  }

  /** The match of a role detector: the role is the entity. */
  static Match match(AuditEvent event, JsonNode role, String what, String why, String rules) {
    boolean cluster = "clusterroles".equals(event.resource());
    String kind = cluster ? "ClusterRole" : "Role";
    String namespace = cluster ? null : Requests.objectNamespace(event, role);
    String name = Requests.objectName(event, role);
    String description =
        Matches.subject(event, kind, Requests.qualified(namespace, name)) + " " + what + ". " + why;
    return Matches.about(
        event, kind, namespace, name, "role", description, Map.of("kind", kind, "rules", rules));
  }
}
