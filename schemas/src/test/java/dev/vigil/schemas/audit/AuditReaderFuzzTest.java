package dev.vigil.schemas.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.testing.HostileJson;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The property test of the audit-event contract: whatever the input, {@link AuditReader} never throws
 * (a body that is not JSON raises only {@link AuditSyntaxException}); what it accepts in a body it
 * accepts alone, and the schema accepts too; and valid events, written every way JSON allows, come
 * back byte for byte in every shape of body.
 */
class AuditReaderFuzzTest {

  private static final List<byte[]> SEEDS = seeds();

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>(HostileJson.seeds());
    Random random = new Random(17);
    for (int i = 0; i < 40; i++) {
      seeds.add(new ValidEvent(random).json().getBytes(StandardCharsets.UTF_8));
    }
    return seeds;
  }

  @Property(tries = 2000)
  void hostileInputIsReadOrRejectedWithAReasonAndNeverThrows(@ForAll("hostile") byte[] input) {
    AuditItem keys = AuditReader.keys().readEvent(input);
    AuditItem events = AuditReader.events().readEvent(input);
    assertThat(events.reason()).isEqualTo(keys.reason());
    assertWellFormed(keys, input);
    if (events.valid()) {
      assertThat(events.event()).isNotNull();
      assertSchemaAccepts(events.bytes());
    }

    List<AuditItem> items = new ArrayList<>();
    try {
      AuditReader.keys().readBody(input, 0, input.length, items::add);
    } catch (AuditSyntaxException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
      return;
    }
    for (AuditItem item : items) {
      assertWellFormed(item, input);
      AuditItem alone = AuditReader.events().readEvent(item.bytes());
      // What the gateway accepts, detection accepts: the same bytes, the same reader.
      assertThat(alone.valid()).as("%s alone: %s", item.reason(), alone.reason()).isEqualTo(item.valid());
      if (item.valid()) {
        assertThat(alone.auditId()).isEqualTo(item.auditId());
        assertThat(alone.username()).isEqualTo(item.username());
        assertThat(alone.stage()).isEqualTo(item.stage());
      }
    }
  }

  @Property(tries = 400)
  void validEventsComeBackByteForByteInEveryShapeOfBody(
      @ForAll("validEvents") List<ValidEvent> events, @ForAll @IntRange(min = 0, max = 3) int shape,
      @ForAll("separators") String separator) throws Exception {
    List<String> texts = new ArrayList<>();
    for (ValidEvent event : events) {
      String json = event.json();
      texts.add(json);
      AuditItem alone = AuditReader.events().readEvent(json.getBytes(StandardCharsets.UTF_8));
      assertThat(alone.reason()).as(json).isNull();
      assertThat(new String(alone.bytes(), StandardCharsets.UTF_8)).isEqualTo(json);
      AuditEvent read = alone.event();
      assertThat(read.auditID()).isEqualTo(event.fields.get("auditID"));
      assertThat(read.verb()).isEqualTo(event.fields.get("verb"));
      assertThat(read.stage()).isEqualTo(event.fields.get("stage"));
      assertThat(read.username()).isEqualTo(event.username());
      assertThat(alone.username()).isEqualTo(event.username());
      assertSchemaAccepts(alone.bytes());
    }
    String body = switch (shape) {
      case 0 -> "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
          + String.join("," + separator, texts) + "]}";
      case 1 -> "{\"items\":[" + String.join(",", texts) + "]," + separator + "\"kind\":\"EventList\"}";
      case 2 -> separator + "[" + String.join(separator + "," + separator, texts) + "]" + separator;
      default -> String.join(separator.isEmpty() ? "\n" : separator, texts);
    };
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    List<String> read = new ArrayList<>();
    AuditReader.keys().readBody(bytes, 0, bytes.length, item -> {
      assertThat(item.reason()).isNull();
      read.add(new String(item.bytes(), StandardCharsets.UTF_8));
    });
    assertThat(read).isEqualTo(texts);
  }

  private static void assertWellFormed(AuditItem item, byte[] input) {
    assertThat(item.offset()).isBetween(0, input.length);
    assertThat(item.offset() + item.length()).isBetween(item.offset(), input.length);
    if (!item.valid()) {
      assertThat(item.reason()).isNotBlank();
      assertThat(item.reason().chars().noneMatch(Character::isISOControl)).as(item.reason()).isTrue();
      assertThat(item.event()).isNull();
    }
  }

  /**
   * The reader is never more lenient than the schema. Its one documented leniency: a JSON null in a
   * field of the table counts as absent, so those nulls are dropped before the schema looks.
   */
  private static void assertSchemaAccepts(byte[] event) {
    JsonNode tree;
    try {
      tree = Json.mapper().readTree(event);
    } catch (IOException e) {
      throw new AssertionError("an accepted event is not JSON", e);
    }
    dropNulls(tree);
    for (AuditField field : AuditField.values()) {
      if (field.type() == AuditField.Type.OBJECT && tree.get(field.fieldName()) != null
          && field.parent() == null) {
        dropNulls(tree.get(field.fieldName()));
      }
    }
    assertThat(SchemaAssertions.errors(SchemaAssertions.AUDIT_EVENT, tree)).as(tree.toString()).isEmpty();
  }

  private static void dropNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> nulls = new ArrayList<>();
      object.fields().forEachRemaining(e -> {
        if (e.getValue().isNull()) {
          nulls.add(e.getKey());
        }
      });
      object.remove(nulls);
    }
  }

  @Provide
  Arbitrary<byte[]> hostile() {
    return Arbitraries.oneOf(HostileJson.anyBytes(), HostileJson.mutated(SEEDS));
  }

  @Provide
  Arbitrary<List<ValidEvent>> validEvents() {
    return Arbitraries.randomValue(ValidEvent::new).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<String> separators() {
    return Arbitraries.of("", " ", "\n", "\r\n", "\t \n ");
  }

  /**
   * A valid audit event with random values, field order, optional and unknown fields, white space and
   * string escapes: everything the contract allows, nothing it refuses.
   */
  static final class ValidEvent {
    private static final String[] CHARS = {"a", "Z", "0", " ", "-", "/", ":", "@", ".", "\"", "\\",
        "\n", "\t", "\u0001", "\u007f", "\u00e9", "\u4e2d", "\ud83d\ude00", "\u2028"};
    private static final DateTimeFormatter WITH_OFFSET =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    private final Random random;
    final Map<String, Object> fields = new LinkedHashMap<>();
    private final String json;

    ValidEvent(Random random) {
      this.random = random;
      fields.put("auditID", text());
      fields.put("stage", pick(AuditField.STAGE.allowedValues()));
      fields.put("verb", text());
      fields.put("user", user());
      fields.put("stageTimestamp", timestamp());
      maybe("kind", "Event");
      maybe("apiVersion", pick(AuditField.API_VERSION.allowedValues()));
      maybe("level", pick(AuditField.LEVEL.allowedValues()));
      maybe("requestURI", string());
      maybe("userAgent", string());
      maybe("sourceIPs", strings());
      maybe("impersonatedUser", user());
      maybe("objectRef", objectRef());
      maybe("responseStatus", responseStatus());
      maybe("requestObject", anyValue(3));
      maybe("responseObject", object(3));
      maybe("requestReceivedTimestamp", timestamp());
      maybe("annotations", stringMap());
      int unknown = random.nextInt(3);
      for (int i = 0; i < unknown; i++) {
        fields.put("x-" + i, anyValue(3));
      }
      json = write(shuffled(fields));
    }

    String json() {
      return json;
    }

    String username() {
      return (String) ((Map<?, ?>) fields.get("user")).get("username");
    }

    @Override
    public String toString() {
      return json;
    }

    private void maybe(String name, Object value) {
      if (random.nextBoolean()) {
        fields.put(name, value);
      }
    }

    private <T> T pick(List<T> values) {
      return values.get(random.nextInt(values.size()));
    }

    private String string() {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(12);
      for (int i = 0; i < length; i++) {
        text.append(CHARS[random.nextInt(CHARS.length)]);
      }
      return text.toString();
    }

    /** Not blank: a letter among whatever else. */
    private String text() {
      return string() + "u" + string();
    }

    private List<String> strings() {
      List<String> strings = new ArrayList<>();
      int size = random.nextInt(4);
      for (int i = 0; i < size; i++) {
        strings.add(string());
      }
      return strings;
    }

    private Map<String, Object> stringMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      int size = random.nextInt(4);
      for (int i = 0; i < size; i++) {
        map.put(string() + i, string());
      }
      return map;
    }

    private String timestamp() {
      Instant instant = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE), random.nextInt(1_000_000_000));
      if (random.nextBoolean()) {
        return instant.toString();
      }
      ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(48) - 24) * 1800);
      return WITH_OFFSET.format(instant.atOffset(offset));
    }

    private Map<String, Object> user() {
      Map<String, Object> user = new LinkedHashMap<>();
      user.put("username", text());
      maybe(user, "uid", string());
      maybe(user, "groups", strings());
      maybe(user, "extra", Map.of("k", strings()));
      return user;
    }

    private Map<String, Object> objectRef() {
      Map<String, Object> ref = new LinkedHashMap<>();
      for (String name : List.of("resource", "namespace", "name", "uid", "apiGroup", "apiVersion",
          "resourceVersion", "subresource")) {
        maybe(ref, name, string());
      }
      return ref;
    }

    private Map<String, Object> responseStatus() {
      Map<String, Object> status = new LinkedHashMap<>();
      maybe(status, "code", random.nextInt(1000));
      maybe(status, "status", string());
      maybe(status, "reason", string());
      maybe(status, "message", string());
      maybe(status, "metadata", Map.of());
      return status;
    }

    private void maybe(Map<String, Object> map, String name, Object value) {
      if (random.nextBoolean()) {
        map.put(name, value);
      }
    }

    private Object anyValue(int depth) {
      int kind = random.nextInt(depth > 0 ? 8 : 6);
      return switch (kind) {
        case 0 -> null;
        case 1 -> random.nextBoolean();
        case 2 -> random.nextLong();
        case 3 -> random.nextDouble() * 1e6;
        case 4, 5 -> string();
        case 6 -> {
          List<Object> list = new ArrayList<>();
          int size = random.nextInt(4);
          for (int i = 0; i < size; i++) {
            list.add(anyValue(depth - 1));
          }
          yield list;
        }
        default -> object(depth - 1);
      };
    }

    private Map<String, Object> object(int depth) {
      Map<String, Object> map = new LinkedHashMap<>();
      int size = random.nextInt(4);
      for (int i = 0; i < size; i++) {
        map.put(string() + i, depth > 0 ? anyValue(depth) : string());
      }
      return map;
    }

    private Map<String, Object> shuffled(Map<String, Object> map) {
      List<String> names = new ArrayList<>(map.keySet());
      Collections.shuffle(names, random);
      Map<String, Object> out = new LinkedHashMap<>();
      for (String name : names) {
        out.put(name, map.get(name));
      }
      return out;
    }

    private String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out);
      return out.toString();
    }

    private void write(Object value, StringBuilder out) {
      if (value instanceof Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          space(out);
          quoted((String) entry.getKey(), out);
          space(out);
          out.append(':');
          space(out);
          write(entry.getValue(), out);
          space(out);
        }
        out.append('}');
      } else if (value instanceof List<?> list) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          space(out);
          write(list.get(i), out);
          space(out);
        }
        out.append(']');
      } else if (value instanceof String text) {
        quoted(text, out);
      } else {
        out.append(value);
      }
    }

    private void space(StringBuilder out) {
      if (random.nextInt(5) == 0) {
        out.append(" \t\n\r".charAt(random.nextInt(4)));
      }
    }

    /** A JSON string, escaping what must be escaped and, at random, what may be. */
    private void quoted(String text, StringBuilder out) {
      out.append('"');
      text.codePoints().forEach(c -> {
        if (c == '"' || c == '\\') {
          out.append('\\').append((char) c);
        } else if (c < 0x20 || random.nextInt(8) == 0) {
          for (char unit : Character.toChars(c)) {
            out.append(String.format("\\u%04x", (int) unit)); // a surrogate pair as two escapes
          }
        } else {
          out.appendCodePoint(c);
        }
      });
      out.append('"');
    }
  }
}
