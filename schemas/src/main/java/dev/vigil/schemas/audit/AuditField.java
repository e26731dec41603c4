package dev.vigil.schemas.audit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract of one Kubernetes audit event as Vigil accepts it: every field Vigil checks, with its
 * JSON path, JSON type, whether it is required and which values it allows. {@code
 * audit-event.schema.json} describes the same contract ({@code AuditFieldTableTest} holds the two
 * together); {@link AuditReader} checks it.
 *
 * <p>Rules every field shares: a required field must be present and not {@code null}; an optional
 * field may be absent or {@code null} (both mean absent); a child is checked only when its parent is
 * an object; a field not in this table is allowed and only read for syntax and repeated names. When
 * an event breaks several rules, its reason names the first field in this table's order.
 */
public enum AuditField {
  KIND(null, "kind", Type.STRING, false, List.of("Event")),
  API_VERSION(null, "apiVersion", Type.STRING, false, List.of("audit.k8s.io/v1", "audit.k8s.io/v1beta1")),
  LEVEL(null, "level", Type.STRING, false, List.of("None", "Metadata", "Request", "RequestResponse")),
  AUDIT_ID(null, "auditID", Type.TEXT, true, List.of()),
  STAGE(
      null,
      "stage",
      Type.STRING,
      true,
      List.of("RequestReceived", "ResponseStarted", "ResponseComplete", "Panic")),
  REQUEST_URI(null, "requestURI", Type.STRING, false, List.of()),
  VERB(null, "verb", Type.TEXT, true, List.of()),
  USER(null, "user", Type.OBJECT, true, List.of()),
  USER_USERNAME(USER, "username", Type.TEXT, true, List.of()),
  USER_UID(USER, "uid", Type.STRING, false, List.of()),
  USER_GROUPS(USER, "groups", Type.STRING_ARRAY, false, List.of()),
  USER_EXTRA(USER, "extra", Type.OBJECT, false, List.of()),
  IMPERSONATED_USER(null, "impersonatedUser", Type.OBJECT, false, List.of()),
  IMPERSONATED_USER_USERNAME(IMPERSONATED_USER, "username", Type.TEXT, true, List.of()),
  IMPERSONATED_USER_UID(IMPERSONATED_USER, "uid", Type.STRING, false, List.of()),
  IMPERSONATED_USER_GROUPS(IMPERSONATED_USER, "groups", Type.STRING_ARRAY, false, List.of()),
  IMPERSONATED_USER_EXTRA(IMPERSONATED_USER, "extra", Type.OBJECT, false, List.of()),
  SOURCE_IPS(null, "sourceIPs", Type.STRING_ARRAY, false, List.of()),
  USER_AGENT(null, "userAgent", Type.STRING, false, List.of()),
  OBJECT_REF(null, "objectRef", Type.OBJECT, false, List.of()),
  OBJECT_REF_RESOURCE(OBJECT_REF, "resource", Type.STRING, false, List.of()),
  OBJECT_REF_NAMESPACE(OBJECT_REF, "namespace", Type.STRING, false, List.of()),
  OBJECT_REF_NAME(OBJECT_REF, "name", Type.STRING, false, List.of()),
  OBJECT_REF_UID(OBJECT_REF, "uid", Type.STRING, false, List.of()),
  OBJECT_REF_API_GROUP(OBJECT_REF, "apiGroup", Type.STRING, false, List.of()),
  OBJECT_REF_API_VERSION(OBJECT_REF, "apiVersion", Type.STRING, false, List.of()),
  OBJECT_REF_RESOURCE_VERSION(OBJECT_REF, "resourceVersion", Type.STRING, false, List.of()),
  OBJECT_REF_SUBRESOURCE(OBJECT_REF, "subresource", Type.STRING, false, List.of()),
  RESPONSE_STATUS(null, "responseStatus", Type.OBJECT, false, List.of()),
  RESPONSE_STATUS_CODE(RESPONSE_STATUS, "code", Type.INTEGER, false, List.of(), 0, 999),
  RESPONSE_STATUS_STATUS(RESPONSE_STATUS, "status", Type.STRING, false, List.of()),
  RESPONSE_STATUS_REASON(RESPONSE_STATUS, "reason", Type.STRING, false, List.of()),
  RESPONSE_STATUS_MESSAGE(RESPONSE_STATUS, "message", Type.STRING, false, List.of()),
  /** Any JSON value: a JSON-patch request records its patch, an array, here. */
  REQUEST_OBJECT(null, "requestObject", Type.ANY, false, List.of()),
  RESPONSE_OBJECT(null, "responseObject", Type.OBJECT, false, List.of()),
  REQUEST_RECEIVED_TIMESTAMP(null, "requestReceivedTimestamp", Type.TIMESTAMP, false, List.of()),
  STAGE_TIMESTAMP(null, "stageTimestamp", Type.TIMESTAMP, true, List.of()),
  ANNOTATIONS(null, "annotations", Type.STRING_MAP, false, List.of());

  /** The JSON type a field's value must have. */
  public enum Type {
    /** A string. */
    STRING,
    /** A string that is not empty or only white space (the schema's {@code minLength: 1}). */
    TEXT,
    /** An RFC 3339 date-time string ({@code 2024-05-01T12:34:56.123456Z}, or with an offset). */
    TIMESTAMP,
    /** An integer that fits 32 bits, within {@link #minimum()} and {@link #maximum()}. */
    INTEGER,
    /** An array whose elements are all strings. */
    STRING_ARRAY,
    /** An object whose values are all strings. */
    STRING_MAP,
    /** An object. */
    OBJECT,
    /** Any JSON value. */
    ANY
  }

  private static final Map<AuditField, Map<String, AuditField>> CHILDREN = children();
  private static final Map<String, AuditField> TOP = byName(null);

  private final AuditField parent;
  private final String name;
  private final String path;
  private final Type type;
  private final boolean required;
  private final List<String> allowed;
  private final int minimum;
  private final int maximum;

  AuditField(AuditField parent, String name, Type type, boolean required, List<String> allowed) {
    this(parent, name, type, required, allowed, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  AuditField(
      AuditField parent,
      String name,
      Type type,
      boolean required,
      List<String> allowed,
      int minimum,
      int maximum) {
    this.parent = parent;
    this.name = name;
    this.path = parent == null ? name : parent.path + "." + name;
    this.type = type;
    this.required = required;
    this.allowed = allowed;
    this.minimum = minimum;
    this.maximum = maximum;
  }

  /** The object this field belongs to, or null for a field of the event itself. */
  public AuditField parent() {
    return parent;
  }

  /** The field's name within its parent object. */
  public String fieldName() {
    return name;
  }

  /** The dotted path from the event, e.g. {@code user.username}. */
  public String path() {
    return path;
  }

  public Type type() {
    return type;
  }

  /** Whether the field must be present (and not null) whenever its parent is an object. */
  public boolean required() {
    return required;
  }

  /** The only values a string field may have; empty when any string is allowed. */
  public List<String> allowedValues() {
    return allowed;
  }

  /** The smallest value of an {@link Type#INTEGER} field. */
  public int minimum() {
    return minimum;
  }

  /** The largest value of an {@link Type#INTEGER} field. */
  public int maximum() {
    return maximum;
  }

  /** The fields of the object {@code parent} (null: of the event itself), by name. */
  public static Map<String, AuditField> childrenOf(AuditField parent) {
    return parent == null ? TOP : CHILDREN.getOrDefault(parent, Map.of());
  }

  /** Whether this field is an object whose own fields are in the table. */
  boolean hasChildren() {
    return CHILDREN.containsKey(this);
  }

  private static Map<AuditField, Map<String, AuditField>> children() {
    Map<AuditField, Map<String, AuditField>> children = new EnumMap<>(AuditField.class);
    for (AuditField field : values()) {
      if (field.parent != null && !children.containsKey(field.parent)) {
        children.put(field.parent, byName(field.parent));
      }
    }
    return Collections.unmodifiableMap(children);
  }

  private static Map<String, AuditField> byName(AuditField parent) {
    Map<String, AuditField> fields = new HashMap<>();
    for (AuditField field : values()) {
      if (field.parent == parent) {
        fields.put(field.name, field);
      }
    }
    return Collections.unmodifiableMap(fields);
  }
}
