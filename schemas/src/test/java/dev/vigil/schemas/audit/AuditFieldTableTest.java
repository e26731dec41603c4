package dev.vigil.schemas.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The field table and {@code audit-event.schema.json} describe one contract: every field of either,
 * with its type, whether it is required, its allowed values and its limits, is in the other alike.
 */
class AuditFieldTableTest {

  /** One field as either side describes it. */
  record Rule(AuditField.Type type, boolean required, List<String> allowed, int minimum, int maximum) {}

  @Test
  void theTableAndTheSchemaDescribeTheSameFields() throws IOException {
    JsonNode schema;
    try (InputStream in = AuditField.class.getResourceAsStream("/dev/vigil/schemas/audit-event.schema.json")) {
      schema = Json.mapper().readTree(in);
    }
    Map<String, Rule> fromSchema = new TreeMap<>();
    collect(schema, schema, "", fromSchema);

    Map<String, Rule> fromTable = new TreeMap<>();
    for (AuditField field : AuditField.values()) {
      fromTable.put(field.path(), new Rule(field.type(), field.required(), field.allowedValues(),
          field.minimum(), field.maximum()));
    }

    assertThat(fromTable).isEqualTo(fromSchema);
  }

  @Test
  void theSchemasRequiredFieldsAndEnumsAreAllInTheTable() {
    // The headline of the contract, spelled out: a change to either side shows here by name.
    assertThat(Arrays.stream(AuditField.values()).filter(f -> f.required() && f.parent() == null)
        .map(AuditField::path).collect(Collectors.toList()))
        .containsExactly("auditID", "stage", "verb", "user", "stageTimestamp");
    assertThat(AuditField.STAGE.allowedValues())
        .containsExactly("RequestReceived", "ResponseStarted", "ResponseComplete", "Panic");
    assertThat(AuditField.API_VERSION.allowedValues()).containsExactly("audit.k8s.io/v1", "audit.k8s.io/v1beta1");
    assertThat(AuditField.LEVEL.allowedValues()).containsExactly("None", "Metadata", "Request", "RequestResponse");
    assertThat(AuditField.KIND.allowedValues()).containsExactly("Event");
  }

  @Test
  void childrenAreFoundByTheirParent() {
    assertThat(AuditField.childrenOf(null)).containsEntry("user", AuditField.USER).doesNotContainKey("username");
    assertThat(AuditField.childrenOf(AuditField.USER)).containsEntry("username", AuditField.USER_USERNAME);
    assertThat(AuditField.childrenOf(AuditField.ANNOTATIONS)).isEmpty();
    assertThat(AuditField.values().length).as("one bit per field in the reader").isLessThanOrEqualTo(64);
  }

  private static void collect(JsonNode root, JsonNode object, String prefix, Map<String, Rule> out) {
    List<String> required = new ArrayList<>();
    object.path("required").forEach(name -> required.add(name.asText()));
    object.path("properties").fields().forEachRemaining(entry -> {
      JsonNode property = resolve(root, entry.getValue());
      String path = prefix + entry.getKey();
      out.put(path, rule(property, required.contains(entry.getKey())));
      if (property.has("properties")) {
        collect(root, property, path + ".", out);
      }
    });
  }

  private static JsonNode resolve(JsonNode root, JsonNode property) {
    JsonNode ref = property.get("$ref");
    return ref == null ? property : root.at(ref.asText().substring(1));
  }

  private static Rule rule(JsonNode property, boolean required) {
    List<String> allowed = new ArrayList<>();
    if (property.has("const")) {
      allowed.add(property.get("const").asText());
    }
    property.path("enum").forEach(value -> allowed.add(value.asText()));
    String type = property.path("type").asText(allowed.isEmpty() ? "" : "string");
    AuditField.Type kind = switch (type) {
      case "string" -> property.path("format").asText().equals("date-time")
          ? AuditField.Type.TIMESTAMP
          : property.path("minLength").asInt() == 1 ? AuditField.Type.TEXT : AuditField.Type.STRING;
      case "integer" -> AuditField.Type.INTEGER;
      case "array" -> {
        assertThat(property.path("items").path("type").asText()).isEqualTo("string");
        yield AuditField.Type.STRING_ARRAY;
      }
      case "object" -> property.path("additionalProperties").path("type").asText().equals("string")
          ? AuditField.Type.STRING_MAP
          : AuditField.Type.OBJECT;
      case "" -> AuditField.Type.ANY;
      default -> throw new AssertionError("a schema type the table has no word for: " + type);
    };
    int minimum = property.path("minimum").asInt(Integer.MIN_VALUE);
    int maximum = property.path("maximum").asInt(Integer.MAX_VALUE);
    return new Rule(kind, required, allowed, minimum, maximum);
  }
}
