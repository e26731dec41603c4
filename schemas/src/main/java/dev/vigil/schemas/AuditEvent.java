package dev.vigil.schemas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes API-server audit event ({@code audit.k8s.io/v1} or {@code v1beta1}), with the fields
 * Vigil reads. Unknown fields are ignored; {@code requestObject} and {@code responseObject} stay trees
 * because their shape depends on the resource.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditEvent(
    String kind,
    String apiVersion,
    String level,
    String auditID,
    String stage,
    String requestURI,
    String verb,
    UserInfo user,
    UserInfo impersonatedUser,
    List<String> sourceIPs,
    String userAgent,
    ObjectReference objectRef,
    ResponseStatus responseStatus,
    JsonNode requestObject,
    JsonNode responseObject,
    Instant requestReceivedTimestamp,
    Instant stageTimestamp,
    Map<String, String> annotations) {

  public static final String STAGE_RESPONSE_COMPLETE = "ResponseComplete";
  public static final String STAGE_RESPONSE_STARTED = "ResponseStarted";

  /** The authenticated user; never null for a valid event. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record UserInfo(String username, String uid, List<String> groups) {
    public List<String> groupsOrEmpty() {
      return groups == null ? List.of() : groups;
    }
  }

  /** What the request was about. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ObjectReference(
      String resource,
      String namespace,
      String name,
      String uid,
      String apiGroup,
      String apiVersion,
      String resourceVersion,
      String subresource) {}

  /** The answer the API server gave. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ResponseStatus(Integer code, String status, String reason, String message) {}

  public String username() {
    return user == null ? null : user.username();
  }

  public String resource() {
    return objectRef == null ? null : objectRef.resource();
  }

  public String subresource() {
    return objectRef == null ? null : objectRef.subresource();
  }

  public String namespace() {
    return objectRef == null ? null : objectRef.namespace();
  }

  public String objectName() {
    return objectRef == null ? null : objectRef.name();
  }

  /** HTTP status code of the response, or -1 when the event has none. */
  public int responseCode() {
    return responseStatus == null || responseStatus.code() == null ? -1 : responseStatus.code();
  }

  /** {@code resource} or {@code resource/subresource}, the way RBAC names it. */
  public String resourcePath() {
    String resource = resource();
    String sub = subresource();
    if (resource == null) {
      return null;
    }
    return sub == null || sub.isEmpty() ? resource : resource + "/" + sub;
  }
}
