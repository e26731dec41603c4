package dev.vigil.detection.parsing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.AuditEvent.ObjectReference;
import dev.vigil.schemas.AuditEvent.ResponseStatus;
import dev.vigil.schemas.AuditEvent.UserInfo;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast path of {@link AuditParser}: reads an {@link AuditEvent} from JSON bytes in one streaming
 * pass, building trees only for {@code requestObject} and {@code responseObject} (whose shape
 * depends on the resource) and skipping every field no detector reads.
 *
 * <p>It is deliberately strict: any input that the tree-and-databind path might treat differently —
 * a JSON {@code null} where validation looks, a number where a string is expected (databind would
 * coerce it), a timestamp that is not plain ISO-8601, a field name used twice, trailing content, a
 * parse error — makes it
 * answer {@code null}, and the caller falls back to the full path, which produces the exact rejection
 * reason. So whatever it does return is what the full path would have returned for the same bytes
 * ({@code AuditEventReaderTest} checks this on the whole corpus and on edge cases).
 */
public final class AuditEventReader {

  private static final ObjectMapper MAPPER = Json.mapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  /** Thrown inside the reader when the input leaves the fast path; never escapes. */
  private static final class Defer extends Exception {
    private static final Defer INSTANCE = new Defer();

    private Defer() {
      super(null, null, false, false);
    }
  }

  private AuditEventReader() {}

  /** The event, or {@code null} when the input needs the full path (invalid or unusual). */
  public static AuditEvent read(byte[] value) {
    try (JsonParser p = FACTORY.createParser(value)) {
      // A field named twice anywhere (also inside skipped values) leaves the fast path: the full path
      // decides what duplicates mean, so both paths cannot disagree on them.
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      AuditEvent event = readEvent(p);
      return p.nextToken() == null ? event : null;
    } catch (Defer | IOException | RuntimeException e) {
      return null;
    }
  }

  private static AuditEvent readEvent(JsonParser p) throws IOException, Defer {
    String kind = null;
    String apiVersion = null;
    String level = null;
    String auditId = null;
    String stage = null;
    String requestUri = null;
    String verb = null;
    UserInfo user = null;
    UserInfo impersonatedUser = null;
    List<String> sourceIps = null;
    String userAgent = null;
    ObjectReference objectRef = null;
    ResponseStatus responseStatus = null;
    JsonNode requestObject = null;
    JsonNode responseObject = null;
    Instant requestReceived = null;
    Instant stageTimestamp = null;
    Map<String, String> annotations = null;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken token = p.nextToken();
      switch (field) {
        case "kind" -> kind = requiredText(p, token);
        case "apiVersion" -> apiVersion = requiredText(p, token);
        case "level" -> level = text(p, token);
        case "auditID" -> auditId = requiredText(p, token);
        case "stage" -> stage = requiredText(p, token);
        case "requestURI" -> requestUri = text(p, token);
        case "verb" -> verb = requiredText(p, token);
        case "user" -> {
          expectObject(token);
          user = userInfo(p, true);
        }
        case "impersonatedUser" -> {
          if (token != JsonToken.VALUE_NULL) {
            expectObject(token);
            impersonatedUser = userInfo(p, false);
          } else {
            impersonatedUser = null;
          }
        }
        case "sourceIPs" -> sourceIps = strings(p, token);
        case "userAgent" -> userAgent = text(p, token);
        case "objectRef" -> objectRef = objectRef(p, token);
        case "responseStatus" -> responseStatus = responseStatus(p, token);
        case "requestObject" -> requestObject = tree(p, token);
        case "responseObject" -> responseObject = tree(p, token);
        case "requestReceivedTimestamp" -> requestReceived = instant(text(p, token));
        case "stageTimestamp" -> {
          String text = requiredText(p, token);
          Instant plain = UtcTimestamps.parse(text);
          if (plain != null) {
            stageTimestamp = plain;
          } else {
            // The full path checks it as an RFC 3339 date-time before databind reads the instant.
            try {
              OffsetDateTime.parse(text);
            } catch (DateTimeParseException e) {
              throw Defer.INSTANCE;
            }
            stageTimestamp = instant(text);
          }
        }
        case "annotations" -> annotations = stringMap(p, token);
        default -> p.skipChildren();
      }
    }
    return new AuditEvent(
        kind,
        apiVersion,
        level,
        auditId,
        stage,
        requestUri,
        verb,
        user,
        impersonatedUser,
        sourceIps,
        userAgent,
        objectRef,
        responseStatus,
        requestObject,
        responseObject,
        requestReceived,
        stageTimestamp,
        annotations);
  }

  private static void expectObject(JsonToken token) throws Defer {
    if (token != JsonToken.START_OBJECT) {
      throw Defer.INSTANCE;
    }
  }

  private static UserInfo userInfo(JsonParser p, boolean usernameRequired)
      throws IOException, Defer {
    String username = null;
    String uid = null;
    List<String> groups = null;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken token = p.nextToken();
      switch (field) {
        case "username" -> username =
            usernameRequired ? requiredText(p, token) : text(p, token);
        case "uid" -> uid = text(p, token);
        case "groups" -> groups = strings(p, token);
        default -> p.skipChildren();
      }
    }
    return new UserInfo(username, uid, groups);
  }

  private static ObjectReference objectRef(JsonParser p, JsonToken token)
      throws IOException, Defer {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(token);
    String resource = null;
    String namespace = null;
    String name = null;
    String uid = null;
    String apiGroup = null;
    String apiVersion = null;
    String resourceVersion = null;
    String subresource = null;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken value = p.nextToken();
      switch (field) {
        case "resource" -> resource = text(p, value);
        case "namespace" -> namespace = text(p, value);
        case "name" -> name = text(p, value);
        case "uid" -> uid = text(p, value);
        case "apiGroup" -> apiGroup = text(p, value);
        case "apiVersion" -> apiVersion = text(p, value);
        case "resourceVersion" -> resourceVersion = text(p, value);
        case "subresource" -> subresource = text(p, value);
        default -> p.skipChildren();
      }
    }
    return new ObjectReference(
        resource, namespace, name, uid, apiGroup, apiVersion, resourceVersion, subresource);
  }

  private static ResponseStatus responseStatus(JsonParser p, JsonToken token)
      throws IOException, Defer {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(token);
    Integer code = null;
    String status = null;
    String reason = null;
    String message = null;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken value = p.nextToken();
      switch (field) {
        case "code" -> {
          if (value == JsonToken.VALUE_NULL) {
            code = null;
          } else if (value == JsonToken.VALUE_NUMBER_INT
              && p.getNumberType() == JsonParser.NumberType.INT) {
            code = p.getIntValue();
          } else {
            throw Defer.INSTANCE;
          }
        }
        case "status" -> status = text(p, value);
        case "reason" -> reason = text(p, value);
        case "message" -> message = text(p, value);
        default -> p.skipChildren();
      }
    }
    return new ResponseStatus(code, status, reason, message);
  }

  private static JsonNode tree(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      // What databind gives a JsonNode property set to null.
      return NullNode.getInstance();
    }
    return MAPPER.readTree(p);
  }

  /** A string field that validation checks: a JSON null or any non-string leaves the fast path. */
  private static String requiredText(JsonParser p, JsonToken token) throws IOException, Defer {
    if (token != JsonToken.VALUE_STRING) {
      throw Defer.INSTANCE;
    }
    return p.getText();
  }

  private static String text(JsonParser p, JsonToken token) throws IOException, Defer {
    if (token == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    throw Defer.INSTANCE;
  }

  private static List<String> strings(JsonParser p, JsonToken token) throws IOException, Defer {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.START_ARRAY) {
      throw Defer.INSTANCE;
    }
    List<String> list = new ArrayList<>();
    JsonToken element;
    while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
      if (element != JsonToken.VALUE_STRING) {
        throw Defer.INSTANCE;
      }
      list.add(p.getText());
    }
    return list;
  }

  private static Map<String, String> stringMap(JsonParser p, JsonToken token)
      throws IOException, Defer {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(token);
    Map<String, String> map = new LinkedHashMap<>();
    String field;
    while ((field = p.nextFieldName()) != null) {
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw Defer.INSTANCE;
      }
      map.put(field, p.getText());
    }
    return map;
  }

  /** Databind reads an Instant with {@code ISO_INSTANT}; anything else takes the full path. */
  private static Instant instant(String text) throws Defer {
    if (text == null) {
      return null;
    }
    Instant plain = UtcTimestamps.parse(text);
    if (plain != null) {
      return plain;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw Defer.INSTANCE;
    }
  }
}
