package dev.vigil.detection.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.schemas.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The field table: how a Sigma field name reads an audit event. Documented in {@code RULES.md}; a
 * name that is not here is an {@link RuleError.Kind#UNKNOWN_FIELD} error at load time, because a
 * misspelt field would otherwise make a rule silently never fire.
 *
 * <p>A field's value is null (absent), a {@code String}, or a {@code List<String>} (several values,
 * any of which may match). Numbers and booleans are compared through their JSON text.
 */
final class Fields {

  /** What kind of values a field has; only used to reject values that can never match. */
  enum Type {
    TEXT,
    INTEGER,
    LIST,
    JSON
  }

  /** One readable field. */
  record Field(String name, Type type, Function<AuditEvent, Object> reader) {
    Object read(AuditEvent event) {
      return reader.apply(event);
    }
  }

  static final String ANNOTATIONS = "annotations.";
  static final String REQUEST_OBJECT = "requestObject";
  static final String RESPONSE_OBJECT = "responseObject";

  /** The fields of the {@code audit.k8s.io/v1} Event, by their dotted path. */
  private static final Map<String, Field> EVENT_FIELDS = new LinkedHashMap<>();

  /** Short names used by published rules, each an alias of an event path or a pod-spec reading. */
  private static final Map<String, Field> SHORT_NAMES = new LinkedHashMap<>();

  /** Field names whose plain values narrow a rule's interest (see {@code Interests}). */
  static final String VERB = "verb";

  static final String RESOURCE = "objectRef.resource";

  private static final String[] CODES = new String[600];

  static {
    for (int i = 0; i < CODES.length; i++) {
      CODES[i] = Integer.toString(i);
    }
    event("kind", Type.TEXT, AuditEvent::kind);
    event("apiVersion", Type.TEXT, AuditEvent::apiVersion);
    event("level", Type.TEXT, AuditEvent::level);
    event("auditID", Type.TEXT, AuditEvent::auditID);
    event("stage", Type.TEXT, AuditEvent::stage);
    event("requestURI", Type.TEXT, AuditEvent::requestURI);
    event(VERB, Type.TEXT, AuditEvent::verb);
    event("userAgent", Type.TEXT, AuditEvent::userAgent);
    event("sourceIPs", Type.LIST, AuditEvent::sourceIPs);
    event("user.username", Type.TEXT, e -> e.user() == null ? null : e.user().username());
    event("user.uid", Type.TEXT, e -> e.user() == null ? null : e.user().uid());
    event("user.groups", Type.LIST, e -> e.user() == null ? null : e.user().groups());
    event(
        "impersonatedUser.username",
        Type.TEXT,
        e -> e.impersonatedUser() == null ? null : e.impersonatedUser().username());
    event(
        "impersonatedUser.uid",
        Type.TEXT,
        e -> e.impersonatedUser() == null ? null : e.impersonatedUser().uid());
    event(
        "impersonatedUser.groups",
        Type.LIST,
        e -> e.impersonatedUser() == null ? null : e.impersonatedUser().groups());
    event(RESOURCE, Type.TEXT, AuditEvent::resource);
    event("objectRef.subresource", Type.TEXT, AuditEvent::subresource);
    event("objectRef.namespace", Type.TEXT, AuditEvent::namespace);
    event("objectRef.name", Type.TEXT, AuditEvent::objectName);
    event("objectRef.uid", Type.TEXT, e -> e.objectRef() == null ? null : e.objectRef().uid());
    event(
        "objectRef.apiGroup",
        Type.TEXT,
        e -> e.objectRef() == null ? null : e.objectRef().apiGroup());
    event(
        "objectRef.apiVersion",
        Type.TEXT,
        e -> e.objectRef() == null ? null : e.objectRef().apiVersion());
    event(
        "objectRef.resourceVersion",
        Type.TEXT,
        e -> e.objectRef() == null ? null : e.objectRef().resourceVersion());
    event("responseStatus.code", Type.INTEGER, Fields::code);
    event(
        "responseStatus.status",
        Type.TEXT,
        e -> e.responseStatus() == null ? null : e.responseStatus().status());
    event(
        "responseStatus.reason",
        Type.TEXT,
        e -> e.responseStatus() == null ? null : e.responseStatus().reason());
    event(
        "responseStatus.message",
        Type.TEXT,
        e -> e.responseStatus() == null ? null : e.responseStatus().message());
    event("requestReceivedTimestamp", Type.TEXT, e -> text(e.requestReceivedTimestamp()));
    event("stageTimestamp", Type.TEXT, e -> text(e.stageTimestamp()));

    alias("apiGroup", "objectRef.apiGroup");
    alias("resource", RESOURCE);
    alias("subresource", "objectRef.subresource");
    alias("namespace", "objectRef.namespace");
    alias("username", "user.username");
    alias("groups", "user.groups");
    podSpec("hostPath", Type.LIST, Fields::hostPaths);
    podSpec("capabilities", Type.LIST, e -> containerValues(e, "securityContext", "capabilities", "add"));
    podSpec("privileged", Type.LIST, e -> containerValues(e, "securityContext", "privileged"));
    podSpec("image", Type.LIST, e -> containerValues(e, "image"));
    podSpec("hostNetwork", Type.TEXT, e -> podSpecValue(e, "hostNetwork"));
    podSpec("hostPID", Type.TEXT, e -> podSpecValue(e, "hostPID"));
    podSpec("hostIPC", Type.TEXT, e -> podSpecValue(e, "hostIPC"));
  }

  private Fields() {}

  private static void event(String name, Type type, Function<AuditEvent, Object> reader) {
    EVENT_FIELDS.put(name, new Field(name, type, reader));
  }

  private static void alias(String shortName, String path) {
    Field target = EVENT_FIELDS.get(path);
    SHORT_NAMES.put(shortName, new Field(path, target.type(), target.reader()));
  }

  private static void podSpec(String shortName, Type type, Function<AuditEvent, Object> reader) {
    SHORT_NAMES.put(shortName, new Field(shortName, type, reader));
  }

  /**
   * The field a Sigma name refers to, or null when there is none. Resolves event paths, the
   * prefixes {@code annotations.}, {@code requestObject.} and {@code responseObject.}, then short
   * names.
   */
  static Field resolve(String name) {
    Field field = EVENT_FIELDS.get(name);
    if (field != null) {
      return field;
    }
    if (name.startsWith(ANNOTATIONS) && name.length() > ANNOTATIONS.length()) {
      // Annotation keys contain dots and slashes (authorization.k8s.io/decision): the rest is the key.
      String key = name.substring(ANNOTATIONS.length());
      return new Field(
          name, Type.TEXT, e -> e.annotations() == null ? null : e.annotations().get(key));
    }
    for (String root : List.of(REQUEST_OBJECT, RESPONSE_OBJECT)) {
      if (name.equals(root) || name.startsWith(root + ".")) {
        String[] path =
            name.equals(root) ? new String[0] : name.substring(root.length() + 1).split("\\.", -1);
        for (String segment : path) {
          if (segment.isEmpty()) {
            return null;
          }
        }
        boolean request = root.equals(REQUEST_OBJECT);
        return new Field(
            name,
            Type.JSON,
            e -> json(request ? e.requestObject() : e.responseObject(), path));
      }
    }
    return SHORT_NAMES.get(name);
  }

  /** The names accepted without a prefix, for error messages and the documentation test. */
  static List<String> knownNames() {
    List<String> names = new ArrayList<>(EVENT_FIELDS.keySet());
    names.addAll(SHORT_NAMES.keySet());
    return Collections.unmodifiableList(names);
  }

  static List<String> shortNames() {
    return List.copyOf(SHORT_NAMES.keySet());
  }

  private static Object code(AuditEvent event) {
    int code = event.responseCode();
    if (code < 0) {
      return null;
    }
    return code < CODES.length ? CODES[code] : Integer.toString(code);
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /**
   * The values at {@code path} under {@code root}: arrays on the way are entered element by element,
   * scalars become their text, a leaf object or array its compact JSON, JSON null is absent.
   */
  static Object json(JsonNode root, String[] path) {
    if (root == null || root.isNull() || root.isMissingNode()) {
      return null;
    }
    List<String> out = new ArrayList<>(2);
    collect(root, path, 0, out);
    if (out.isEmpty()) {
      return null;
    }
    return out.size() == 1 ? out.get(0) : out;
  }

  private static void collect(JsonNode node, String[] path, int at, List<String> out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isArray()) {
      for (JsonNode element : node) {
        collect(element, path, at, out);
      }
      return;
    }
    if (at == path.length) {
      out.add(node.isValueNode() ? node.asText() : node.toString());
      return;
    }
    if (node.isObject()) {
      collect(node.get(path[at]), path, at + 1, out);
    }
  }

  private static Object hostPaths(AuditEvent event) {
    JsonNode spec = PodSpecs.podSpec(event);
    return spec == null ? null : json(spec, new String[] {"volumes", "hostPath", "path"});
  }

  private static Object podSpecValue(AuditEvent event, String key) {
    JsonNode spec = PodSpecs.podSpec(event);
    return spec == null ? null : json(spec, new String[] {key});
  }

  private static Object containerValues(AuditEvent event, String... path) {
    JsonNode spec = PodSpecs.podSpec(event);
    if (spec == null) {
      return null;
    }
    List<String> out = new ArrayList<>(2);
    for (String list : PodSpecs.CONTAINER_LISTS) {
      collect(spec.get(list), path, 0, out);
    }
    if (out.isEmpty()) {
      return null;
    }
    return out.size() == 1 ? out.get(0) : out;
  }
}
