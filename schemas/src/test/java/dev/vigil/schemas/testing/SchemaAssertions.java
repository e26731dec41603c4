package dev.vigil.schemas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.vigil.schemas.Json;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** Validates JSON against Vigil's JSON Schemas (shared with other modules' tests via the test-jar). */
public final class SchemaAssertions {
  public static final String AUDIT_EVENT = "audit-event";
  public static final String FINDING = "finding";
  public static final String ALERT = "alert";
  public static final String CLUSTER = "cluster";
  public static final String OCSF_DETECTION_FINDING = "ocsf-detection-finding";

  private static final String BASE = "https://vigil.dev/schemas/";
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          builder -> builder.schemaMappers(m -> m.mapPrefix(BASE, "classpath:dev/vigil/schemas/")));
  private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

  private SchemaAssertions() {}

  /** The validation errors of {@code json} against schema {@code name}; empty when valid. */
  public static Set<String> errors(String name, JsonNode json) {
    JsonSchema schema =
        SCHEMAS.computeIfAbsent(
            name,
            n ->
                FACTORY.getSchema(
                    SchemaLocation.of(BASE + n + ".schema.json"),
                    SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build()));
    return schema.validate(json).stream()
        .map(ValidationMessage::getMessage)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Throws {@link AssertionError} listing every violation when {@code value} does not validate. */
  public static void assertValid(String name, Object value) {
    JsonNode json = value instanceof JsonNode node ? node : Json.mapper().valueToTree(value);
    Set<String> errors = errors(name, json);
    if (!errors.isEmpty()) {
      throw new AssertionError(name + " schema violated: " + errors + " in " + json);
    }
  }
}
