package dev.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube-apiserver's audit policy evaluation (first matching rule wins; no rule means {@code None}),
 * enough of it to test Vigil's policy: users, userGroups, verbs, namespaces, resources with groups,
 * subresources and wildcards, nonResourceURLs, and omitStages at policy and rule level.
 */
final class AuditPolicy {
  enum Level {
    None,
    Metadata,
    Request,
    RequestResponse
  }

  private final JsonNode policy;

  private AuditPolicy(JsonNode policy) {
    this.policy = policy;
  }

  static AuditPolicy load(Path file) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    if (!"Policy".equals(root.path("kind").asText()) || !root.path("rules").isArray()) {
      throw new IllegalArgumentException(file + " is not an audit Policy with rules");
    }
    return new AuditPolicy(root);
  }

  /** The level the policy records this event at, or None when its stage is omitted. */
  Level levelFor(JsonNode event) {
    for (JsonNode rule : policy.path("rules")) {
      if (matches(rule, event)) {
        String stage = event.path("stage").asText();
        if (contains(policy.path("omitStages"), stage) || contains(rule.path("omitStages"), stage)) {
          return Level.None;
        }
        return Level.valueOf(rule.path("level").asText());
      }
    }
    return Level.None;
  }

  /** The event as the API server would write it at {@code level}; null for None. */
  static JsonNode recordedAt(JsonNode event, Level level) {
    if (level == Level.None) {
      return null;
    }
    ObjectNode copy = event.deepCopy();
    copy.put("level", level.name());
    if (level.compareTo(Level.Request) < 0) {
      copy.remove("requestObject");
    }
    if (level.compareTo(Level.RequestResponse) < 0) {
      copy.remove("responseObject");
    }
    return copy;
  }

  private static boolean matches(JsonNode rule, JsonNode event) {
    JsonNode user = event.path("user");
    if (rule.has("users") && !contains(rule.get("users"), user.path("username").asText())) {
      return false;
    }
    if (rule.has("userGroups")) {
      Set<String> groups = new HashSet<>();
      user.path("groups").forEach(g -> groups.add(g.asText()));
      boolean any = false;
      for (JsonNode g : rule.get("userGroups")) {
        any |= groups.contains(g.asText());
      }
      if (!any) {
        return false;
      }
    }
    if (rule.has("verbs") && !contains(rule.get("verbs"), event.path("verb").asText())) {
      return false;
    }
    JsonNode ref = event.path("objectRef");
    boolean resourceRequest = ref.hasNonNull("resource");
    if (rule.has("namespaces")) {
      if (!resourceRequest || !contains(rule.get("namespaces"), ref.path("namespace").asText(""))) {
        return false;
      }
    }
    if (rule.has("nonResourceURLs")) {
      if (resourceRequest) {
        return false;
      }
      String path = event.path("requestURI").asText().split("\\?")[0];
      boolean any = false;
      for (JsonNode url : rule.get("nonResourceURLs")) {
        String u = url.asText();
        any |= u.endsWith("*") ? path.startsWith(u.substring(0, u.length() - 1)) : path.equals(u);
      }
      if (!any) {
        return false;
      }
    }
    if (rule.has("resources")) {
      if (!resourceRequest) {
        return false;
      }
      String group = group(ref);
      String resource = ref.path("resource").asText();
      String sub = ref.path("subresource").asText("");
      String full = sub.isEmpty() ? resource : resource + "/" + sub;
      boolean any = false;
      for (JsonNode kinds : rule.get("resources")) {
        if (!kinds.path("group").asText("").equals(group) && !kinds.path("group").asText("").equals("*")) {
          continue;
        }
        if (!kinds.has("resources") || kinds.get("resources").isEmpty()) {
          any = true;
          continue;
        }
        for (JsonNode r : kinds.get("resources")) {
          String name = r.asText();
          any |= name.equals("*") || name.equals(full) || (name.equals(resource + "/*") && !sub.isEmpty())
              || (name.startsWith("*/") && name.substring(2).equals(sub));
        }
      }
      return any;
    }
    return true;
  }

  /** The API group: {@code objectRef.apiGroup}, or the part of {@code apiVersion} before the slash. */
  private static String group(JsonNode ref) {
    if (ref.hasNonNull("apiGroup")) {
      return ref.get("apiGroup").asText();
    }
    String version = ref.path("apiVersion").asText("");
    int slash = version.indexOf('/');
    return slash < 0 ? "" : version.substring(0, slash);
  }

  private static boolean contains(JsonNode list, String value) {
    if (list == null || !list.isArray()) {
      return false;
    }
    for (JsonNode item : list) {
      if (item.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  static List<String> verbs() {
    return new ArrayList<>(List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"));
  }
}
