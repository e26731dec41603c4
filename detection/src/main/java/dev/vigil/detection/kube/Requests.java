package dev.vigil.detection.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.AuditEvent;

/** Reading the identity of a request's object, shared by detectors. */
public final class Requests {

  private static final String NAMESPACES_SEGMENT = "/namespaces/";

  private Requests() {}

  /**
   * The object a create, update or patch request writes: {@code requestObject}, except for a JSON
   * Patch (an array of operations, whose shape says nothing about the result) where it is the {@code
   * responseObject} when the audit level recorded it. Null for other verbs or when there is none.
   */
  public static JsonNode writtenObject(AuditEvent event) {
    if (event.verb() == null || !PodSpecs.WRITE_VERBS.contains(event.verb())) {
      return null;
    }
    JsonNode request = event.requestObject();
    if (request != null && request.isObject()) {
      return request;
    }
    JsonNode response = event.responseObject();
    if (request != null && request.isArray() && response != null && response.isObject()) {
      return response;
    }
    return null;
  }

  /**
   * The namespace a request is about: {@code objectRef.namespace}, else the namespace in the request
   * URI ({@code /namespaces/<ns>/...}), else null. The URI is read without regular expressions: this
   * runs for every event.
   */
  public static String namespace(AuditEvent event) {
    String namespace = event.namespace();
    if (namespace != null && !namespace.isEmpty()) {
      return namespace;
    }
    return namespaceFromUri(event.requestURI());
  }

  public static String namespaceFromUri(String uri) {
    if (uri == null) {
      return null;
    }
    int query = uri.indexOf('?');
    int end = query < 0 ? uri.length() : query;
    int at = uri.indexOf(NAMESPACES_SEGMENT);
    if (at < 0 || at >= end) {
      return null;
    }
    int start = at + NAMESPACES_SEGMENT.length();
    int slash = uri.indexOf('/', start);
    int stop = slash < 0 || slash > end ? end : slash;
    return stop > start ? uri.substring(start, stop) : null;
  }

  /**
   * The name of the written object: {@code objectRef.name}, else {@code metadata.name} of the
   * object, else its {@code metadata.generateName} followed by {@code *} (pods created by a
   * controller), else {@code (unnamed)}.
   */
  public static String objectName(AuditEvent event, JsonNode object) {
    String name = event.objectName();
    if (name != null && !name.isEmpty()) {
      return name;
    }
    if (object != null) {
      JsonNode metadata = object.path("metadata");
      String fromObject = metadata.path("name").asText("");
      if (!fromObject.isEmpty()) {
        return fromObject;
      }
      String generate = metadata.path("generateName").asText("");
      if (!generate.isEmpty()) {
        return generate + "*";
      }
    }
    return "(unnamed)";
  }

  /** The namespace of a written object: the request's, else the object's {@code metadata.namespace}. */
  public static String objectNamespace(AuditEvent event, JsonNode object) {
    String namespace = namespace(event);
    if (namespace != null) {
      return namespace;
    }
    if (object != null) {
      String fromObject = object.path("metadata").path("namespace").asText("");
      if (!fromObject.isEmpty()) {
        return fromObject;
      }
    }
    return null;
  }

  /** {@code namespace/name} for namespaced objects, {@code name} for cluster-scoped ones. */
  public static String qualified(String namespace, String name) {
    return namespace == null ? name : namespace + "/" + name;
  }

  /** {@code namespace/Kind/name}, or {@code Kind/name} for cluster-scoped objects. */
  public static String entity(String namespace, String kind, String name) {
    return namespace == null ? kind + "/" + name : namespace + "/" + kind + "/" + name;
  }

  /** The verb as a past participle, for descriptions: created, updated, patched. */
  public static String pastTense(String verb) {
    return switch (verb) {
      case "create" -> "created";
      case "update" -> "updated";
      case "patch" -> "patched";
      case "delete", "deletecollection" -> "deleted";
      case "get" -> "read";
      case "list" -> "listed";
      case "watch" -> "watched";
      default -> verb;
    };
  }
}
