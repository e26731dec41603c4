package dev.vigil.detection.parsing;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.VigilHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Parses and validates one raw audit record (the JSON of one event plus the gateway's headers). It
 * never throws for bad input: every rejection carries a precise, human-readable reason for the DLQ.
 */
public final class AuditParser {

  static final Set<String> API_VERSIONS = Set.of("audit.k8s.io/v1", "audit.k8s.io/v1beta1");
  static final Set<String> STAGES =
      Set.of("RequestReceived", "ResponseStarted", "ResponseComplete", "Panic");

  /** Reasons end up in a Kafka header and in logs: keep them one line and bounded. */
  private static final int MAX_REASON_LENGTH = 500;

  /** Duplicate field names are refused as the gateway refuses them: parsers disagree on the winner. */
  private static final ObjectReader READER =
      Json.mapper()
          .reader()
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private AuditParser() {}

  public static ParseResult parse(byte[] value, Headers headers) {
    try {
      return parseChecked(value, headers);
    } catch (RuntimeException e) {
      // Validation above covers the known shapes; this keeps an unforeseen one from stopping the
      // stream thread, and the DLQ keeps the record for a fix.
      return rejected(value, "cannot be read: " + e);
    }
  }

  private static ParseResult parseChecked(byte[] value, Headers headers) {
    String cluster = header(headers, VigilHeaders.CLUSTER);
    if (cluster == null) {
      return rejected(value, "missing header \"" + VigilHeaders.CLUSTER + "\"");
    }
    String workspace = header(headers, VigilHeaders.WORKSPACE);
    if (workspace == null) {
      return rejected(value, "missing header \"" + VigilHeaders.WORKSPACE + "\"");
    }
    String receivedText = header(headers, VigilHeaders.RECEIVED_MS);
    if (receivedText == null) {
      return rejected(value, "missing header \"" + VigilHeaders.RECEIVED_MS + "\"");
    }
    long receivedMs;
    try {
      receivedMs = Long.parseLong(receivedText);
    } catch (NumberFormatException e) {
      receivedMs = -1;
    }
    if (receivedMs < 0) {
      return rejected(
          value,
          "header \"" + VigilHeaders.RECEIVED_MS + "\" is not epoch milliseconds: \""
              + receivedText + "\"");
    }
    if (value == null || value.length == 0) {
      return rejected(value, "not JSON: empty value");
    }
    // One streaming pass for the common case; anything unusual takes the full path below, which
    // gives the same event for valid input and the precise reason for invalid input.
    AuditEvent fast = AuditEventReader.read(value);
    if (fast != null && isValid(fast)) {
      return ParseResult.valid(new AuditRecord(fast, cluster, workspace, receivedMs));
    }
    return parseTree(value, cluster, workspace, receivedMs);
  }

  /** The full path: a tree, validated with precise reasons, then bound to the record. */
  public static ParseResult parseTree(byte[] value, String cluster, String workspace, long receivedMs) {
    JsonNode node;
    try {
      node = READER.readTree(value);
    } catch (JsonProcessingException e) {
      return rejected(value, "not JSON: " + describe(e));
    } catch (IOException e) {
      return rejected(value, "not JSON: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      return rejected(value, "not JSON: empty value");
    }
    if (!node.isObject()) {
      return rejected(
          value,
          "not an audit event: a JSON "
              + node.getNodeType().name().toLowerCase(Locale.ROOT)
              + ", expected an object");
    }
    String problem = validate(node);
    if (problem != null) {
      return rejected(value, problem);
    }
    AuditEvent event;
    try {
      event = Json.mapper().treeToValue(node, AuditEvent.class);
    } catch (JsonProcessingException e) {
      return rejected(value, "not an audit event: " + describe(e));
    } catch (IllegalArgumentException e) {
      return rejected(value, "not an audit event: " + e.getMessage());
    }
    return ParseResult.valid(new AuditRecord(event, cluster, workspace, receivedMs));
  }

  /** The rules of {@link #validate(JsonNode)}, on an event the streaming reader produced. */
  private static boolean isValid(AuditEvent event) {
    return (event.kind() == null || "Event".equals(event.kind()))
        && (event.apiVersion() == null || API_VERSIONS.contains(event.apiVersion()))
        && nonEmpty(event.auditID())
        && event.stage() != null
        && STAGES.contains(event.stage())
        && nonEmpty(event.verb())
        && event.user() != null
        && nonEmpty(event.user().username())
        && event.stageTimestamp() != null;
  }

  private static boolean nonEmpty(String text) {
    return text != null && !text.isEmpty();
  }

  /** The first rule the event breaks, or null. The order is the order a reader checks a record in. */
  private static String validate(JsonNode node) {
    JsonNode kind = node.get("kind");
    if (kind != null && !(kind.isTextual() && "Event".equals(kind.textValue()))) {
      return "not an audit event: \"kind\" is " + kind + ", expected \"Event\"";
    }
    JsonNode apiVersion = node.get("apiVersion");
    if (apiVersion != null
        && !(apiVersion.isTextual() && API_VERSIONS.contains(apiVersion.textValue()))) {
      return "unsupported \"apiVersion\" "
          + apiVersion
          + ", expected \"audit.k8s.io/v1\" or \"audit.k8s.io/v1beta1\"";
    }
    String problem = requireText(node, "auditID");
    if (problem == null) {
      problem = requireText(node, "stage");
    }
    if (problem == null && !STAGES.contains(node.get("stage").textValue())) {
      problem =
          "unknown \"stage\" "
              + node.get("stage")
              + ", expected one of "
              + STAGES.stream().sorted().collect(Collectors.joining(", "));
    }
    if (problem == null) {
      problem = requireText(node, "verb");
    }
    if (problem == null) {
      JsonNode user = node.get("user");
      if (user == null || user.isNull()) {
        problem = "missing required field \"user.username\"";
      } else if (!user.isObject()) {
        problem = "field \"user\" must be an object but is " + abbreviate(user.toString());
      } else {
        problem = requireText(user, "username", "user.username");
      }
    }
    if (problem == null) {
      problem = requireText(node, "stageTimestamp");
    }
    if (problem == null) {
      String text = node.get("stageTimestamp").textValue();
      try {
        OffsetDateTime.parse(text);
      } catch (DateTimeParseException e) {
        problem =
            "field \"stageTimestamp\" is not an RFC 3339 timestamp: \"" + abbreviate(text) + "\"";
      }
    }
    return problem;
  }

  private static String requireText(JsonNode node, String field) {
    return requireText(node, field, field);
  }

  private static String requireText(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return "missing required field \"" + path + "\"";
    }
    if (!value.isTextual()) {
      return "field \"" + path + "\" must be a string but is " + abbreviate(value.toString());
    }
    if (value.textValue().isEmpty()) {
      return "field \"" + path + "\" must not be empty";
    }
    return null;
  }

  private static String header(Headers headers, String name) {
    Header header = headers == null ? null : headers.lastHeader(name);
    if (header == null || header.value() == null || header.value().length == 0) {
      return null;
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Jackson's message without its source excerpt, plus where in the input the problem is. */
  private static String describe(JsonProcessingException e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getOriginalMessage()));
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      text.append(" (field \"").append(path(mapping)).append("\")");
    }
    JsonLocation location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      text.append(" at line ")
          .append(location.getLineNr())
          .append(" column ")
          .append(location.getColumnNr());
    }
    return text.toString();
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static ParseResult rejected(byte[] value, String reason) {
    return ParseResult.rejected(value, oneLine(reason));
  }

  private static String oneLine(String reason) {
    String line = reason.replaceAll("[\\r\\n\\t]+", " ");
    return line.length() <= MAX_REASON_LENGTH
        ? line
        : line.substring(0, MAX_REASON_LENGTH - 3) + "...";
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
