package dev.vigil.schemas.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.testing.Corpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditReaderTest {

  static final String EVENT_A =
      "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-1\",\"stage\":\"ResponseComplete\","
          + "\"verb\":\"get\",\"user\":{\"username\":\"alice\",\"groups\":[\"dev\"]},"
          + "\"stageTimestamp\":\"2024-05-01T10:00:00.123456Z\",\"objectRef\":{\"resource\":\"pods\"}}";
  static final String EVENT_B =
      "{\"kind\":\"Event\",\"auditID\":\"b-2\",\"stage\":\"ResponseComplete\",\"verb\":\"list\","
          + "\"user\":{\"username\":\"bob\"},\"stageTimestamp\":\"2024-05-01T10:00:01Z\","
          + "\"responseStatus\":{\"code\":200}}";

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(AuditItem item) {
    return new String(item.bytes(), StandardCharsets.UTF_8);
  }

  private static List<AuditItem> body(String body) throws AuditSyntaxException {
    List<AuditItem> items = new ArrayList<>();
    byte[] bytes = utf8(body);
    AuditReader.keys().readBody(bytes, 0, bytes.length, items::add);
    return items;
  }

  private static String reason(String event) {
    AuditItem keys = AuditReader.keys().readEvent(utf8(event));
    AuditItem events = AuditReader.events().readEvent(utf8(event));
    assertThat(events.reason()).as("both readers give the same verdict").isEqualTo(keys.reason());
    return keys.reason();
  }

  /** Found by {@code AuditReaderFuzzTest}: Jackson takes these bytes for UTF-32 and they end mid-character. */
  @Test
  void bytesThatEndInTheMiddleOfAUtf32CharacterAreRefusedNotThrown() {
    for (byte[] truncated : List.of(new byte[] {0, 0, 0, 't', 0, 0, 0}, new byte[] {0, 0, 0, 'n', 0, 0, 0},
        new byte[] {0, 0, 0, '{', 0, 0, 0, '"', 0, 0})) {
      AuditItem item = AuditReader.events().readEvent(truncated);
      assertThat(item.valid()).isFalse();
      assertThat(item.reason()).isNotBlank();
      assertThatThrownBy(() -> AuditReader.keys().readBody(truncated, 0, truncated.length, ignored -> { }))
          .isInstanceOf(AuditSyntaxException.class);
    }
  }

  @Test
  void anEventListIsReadEventByEventWithExactBytes() throws Exception {
    List<AuditItem> items =
        body("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
            + EVENT_A + ",\n  " + EVENT_B + "]}");

    assertThat(items).hasSize(2).allMatch(AuditItem::valid);
    assertThat(items).extracting(AuditReaderTest::text).containsExactly(EVENT_A, EVENT_B);
    assertThat(items).extracting(AuditItem::username).containsExactly("alice", "bob");
    assertThat(items).extracting(AuditItem::auditId).containsExactly("a-1", "b-2");
    assertThat(items).extracting(AuditItem::stage).containsOnly("ResponseComplete");
    assertThat(items).extracting(AuditItem::event).containsOnlyNulls();
  }

  @Test
  void anEventListWhoseKindFollowsItsItemsIsStillAnEventList() throws Exception {
    assertThat(body("{\"items\":[" + EVENT_A + "],\"kind\":\"EventList\"}"))
        .singleElement()
        .satisfies(i -> assertThat(text(i)).isEqualTo(EVENT_A));
  }

  @Test
  void everyShapeOfBodyGivesTheSameItems() throws Exception {
    for (String body :
        List.of("[" + EVENT_A + "," + EVENT_B + "]", EVENT_A + "\r\n\r\n   \n" + EVENT_B + "\n\n",
            " " + EVENT_A + EVENT_B)) {
      assertThat(body(body)).extracting(AuditReaderTest::text).containsExactly(EVENT_A, EVENT_B);
    }
  }

  @Test
  void aSliceOfALargerBufferKeepsItsAbsoluteOffsets() throws Exception {
    byte[] buffer = utf8("garbage[" + EVENT_A + "]garbage");
    List<AuditItem> items = new ArrayList<>();
    AuditReader.keys().readBody(buffer, 7, buffer.length - 14, items::add);

    assertThat(items).singleElement().satisfies(i -> {
      assertThat(i.offset()).isEqualTo(8);
      assertThat(text(i)).isEqualTo(EVENT_A);
    });
    assertThat(text(AuditReader.keys().readEvent(buffer, 8, utf8(EVENT_A).length))).isEqualTo(EVENT_A);
  }

  @Test
  void aBadItemIsRejectedAloneAndItsNeighboursKept() throws Exception {
    String missingVerb = EVENT_B.replace("\"verb\":\"list\",", "");
    List<AuditItem> items =
        body("{\"kind\":\"EventList\",\"items\":[" + EVENT_A + "," + missingVerb + ",42,\"x\"," + EVENT_B + "]}");

    assertThat(items).extracting(AuditItem::valid).containsExactly(true, false, false, false, true);
    assertThat(items.get(1).reason()).isEqualTo("missing required field verb");
    assertThat(items.get(1).username()).isEqualTo("bob");
    assertThat(text(items.get(1))).isEqualTo(missingVerb);
    assertThat(items.get(2).reason()).isEqualTo("the item is a JSON number, not an audit Event object");
    assertThat(text(items.get(2))).isEqualTo("42");
    assertThat(text(items.get(3))).isEqualTo("\"x\"");
  }

  @Test
  void everyRuleOfTheTableHasItsReason() {
    assertThat(reason(EVENT_A.replace("\"kind\":\"Event\"", "\"kind\":\"Pod\""))).isEqualTo("kind is \"Pod\", expected \"Event\"");
    assertThat(reason(EVENT_A.replace("\"kind\":\"Event\"", "\"kind\":0")))
        .isEqualTo("kind must be the string \"Event\", got a number");
    assertThat(reason(EVENT_A.replace("audit.k8s.io/v1", "audit.k8s.io/v2")))
        .isEqualTo("apiVersion is \"audit.k8s.io/v2\", expected one of \"audit.k8s.io/v1\", \"audit.k8s.io/v1beta1\"");
    assertThat(reason(EVENT_A.replace("\"auditID\":\"a-1\",", ""))).isEqualTo("missing required field auditID");
    assertThat(reason(EVENT_A.replace("\"a-1\"", "\" \""))).isEqualTo("auditID must not be empty");
    assertThat(reason(EVENT_A.replace("\"stage\":\"ResponseComplete\"", "\"stage\":7")))
        .isEqualTo("stage must be a string, got a number");
    assertThat(reason(EVENT_A.replace("ResponseComplete", "Whenever")))
        .isEqualTo("stage is \"Whenever\", expected one of \"RequestReceived\", \"ResponseStarted\","
            + " \"ResponseComplete\", \"Panic\"");
    assertThat(reason(EVENT_A.replace("\"verb\":\"get\"", "\"verb\":null"))).isEqualTo("missing required field verb");
    assertThat(reason(EVENT_A.replace("\"username\":\"alice\"", "\"uid\":\"x\"")))
        .isEqualTo("missing required field user.username");
    assertThat(reason(EVENT_A.replace("{\"username\":\"alice\",\"groups\":[\"dev\"]}", "\"alice\"")))
        .isEqualTo("user must be an object, got a string");
    assertThat(reason(EVENT_A.replace("[\"dev\"]", "[1]"))).isEqualTo("user.groups must contain only strings, found a number");
    assertThat(reason(EVENT_A.replace("[\"dev\"]", "[\"dev\"],\"extra\":[]"))).isEqualTo("user.extra must be an object, got a array");
    assertThat(reason(EVENT_A.replace(",\"stageTimestamp\":\"2024-05-01T10:00:00.123456Z\"", "")))
        .isEqualTo("missing required field stageTimestamp");
    assertThat(reason(EVENT_A.replace("2024-05-01T10:00:00.123456Z", "yesterday")))
        .isEqualTo("stageTimestamp \"yesterday\" is not an RFC 3339 time");
    assertThat(reason(EVENT_A.replace("\"2024-05-01T10:00:00.123456Z\"", "1714557600")))
        .isEqualTo("stageTimestamp must be an RFC 3339 time string, got a number");
    assertThat(reason(EVENT_A.replace("{\"resource\":\"pods\"}", "[]"))).isEqualTo("objectRef must be an object, got a array");
    assertThat(reason(EVENT_A.replace("{\"resource\":\"pods\"}", "{\"namespace\":{}}")))
        .isEqualTo("objectRef.namespace must be a string, got a object");
    assertThat(reason(EVENT_B.replace("{\"code\":200}", "{\"code\":\"200\"}")))
        .isEqualTo("responseStatus.code must be an integer, got a string");
    assertThat(reason(EVENT_B.replace("{\"code\":200}", "{\"code\":99999999999999999999}")))
        .isEqualTo("responseStatus.code must be an integer, got a number");
    assertThat(reason(EVENT_B.replace("{\"code\":200}", "{\"code\":1e400}")))
        .isEqualTo("responseStatus.code must be an integer, got a number");
    assertThat(reason(EVENT_B.replace("{\"code\":200}", "{\"code\":2000}")))
        .isEqualTo("responseStatus.code is 2000, expected an integer from 0 to 999");
    assertThat(reason(EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\",\"sourceIPs\":[\"10.0.0.1\",null]")))
        .isEqualTo("sourceIPs must contain only strings, found a null");
    assertThat(reason(EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\",\"annotations\":{\"a.k8s.io/x\":1}")))
        .isEqualTo("annotations[\"a.k8s.io/x\"] must be a string, got a number");
    assertThat(reason(EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\",\"impersonatedUser\":{\"groups\":[]}")))
        .isEqualTo("missing required field impersonatedUser.username");
    assertThat(reason(EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\",\"responseObject\":[]")))
        .isEqualTo("responseObject must be an object, got a array");
    assertThat(reason(EVENT_A)).isNull();
    assertThat(reason(EVENT_B)).isNull();
  }

  @Test
  void theFirstBrokenFieldInTableOrderIsNamedWhateverTheOrderOfTheJson() {
    String twoProblems = "{\"stageTimestamp\":\"soon\",\"user\":{\"username\":\"u\"},\"verb\":\"get\","
        + "\"stage\":\"Later\",\"auditID\":\"x\"}";
    assertThat(reason(twoProblems)).startsWith("stage is \"Later\"");
    assertThat(reason("{\"kind\": 0}")).isEqualTo("kind must be the string \"Event\", got a number");
    assertThat(reason("{\"kind\":\"Event\",\"auditID\":\"el-bad\",\"stage\":\"ResponseComplete\"}"))
        .isEqualTo("missing required field verb");
  }

  @Test
  void nullIsAbsentForOptionalFieldsAndMissingForRequiredOnes() {
    for (String field : List.of("kind", "apiVersion", "level", "requestURI", "userAgent", "sourceIPs",
        "impersonatedUser", "objectRef", "responseStatus", "requestObject", "responseObject",
        "requestReceivedTimestamp", "annotations")) {
      assertThat(reason(with(EVENT_B, field, null))).as(field).isNull();
    }
    assertThat(reason(with(EVENT_B, "user", null))).isEqualTo("missing required field user");
    AuditEvent event = AuditReader.events().readEvent(utf8(with(EVENT_B, "requestObject", null))).event();
    assertThat(event.requestObject().isNull()).as("what databind gives a JsonNode set to null").isTrue();
  }

  @Test
  void unusualButValidEventsAreAccepted() {
    assertThat(reason(with(EVENT_B, "requestReceivedTimestamp", "2024-01-02T03:04:05+02:00"))).isNull();
    assertThat(reason(with(EVENT_B, "stageTimestamp", "2024-01-02T03:04:05.123456789-07:00"))).isNull();
    assertThat(reason(with(EVENT_B, "unknownField", Json.mapper().createObjectNode().put("a", 1)))).isNull();
    assertThat(reason(with(EVENT_B, "requestObject", Json.mapper().createArrayNode()
        .add(Json.mapper().createObjectNode().put("op", "replace"))))).as("a JSON patch").isNull();
    assertThat(reason(EVENT_B.replace("\"bob\"}", "\"bob\",\"extra\":{\"k\":[\"v\"]}}"))).isNull();
  }

  @Test
  void theDetectionCasesHaveTheirReasons() {
    // Formerly DetectionTopologyTest's and AuditEventReaderTest's hostile records, now read here.
    assertThat(reason("hello world")).startsWith("not valid JSON at line 1, column 1 (Unrecognized token 'hello'");
    assertThat(reason("{\"kind\" \"Event\"}"))
        .startsWith("not valid JSON at line 1, column 9 (Unexpected character")
        .contains("was expecting a colon");
    assertThat(reason("[1,2]")).isEqualTo("the item is a JSON array, not an audit Event object");
    assertThat(reason("\"text\"")).isEqualTo("the item is a JSON string, not an audit Event object");
    assertThat(reason(EVENT_A + "\n" + EVENT_A)).isEqualTo("more JSON follows the event at line 2, column 1; send one event per record");
    assertThat(reason(EVENT_A + " ")).isNull();
    assertThat(reason(EVENT_A + " {}")).startsWith("more JSON follows the event");
    assertThat(reason(EVENT_A.substring(0, EVENT_A.length() / 2))).startsWith("not valid JSON at line 1");
    assertThat(reason("")).isEqualTo("the value is empty; send one audit Event object");
    assertThat(reason("  \n")).isEqualTo("the value is empty; send one audit Event object");
    assertThat(AuditReader.events().readEvent(null).reason()).isEqualTo("the value is empty; send one audit Event object");
    assertThat(reason(with(EVENT_B, "kind", "EventList"))).isEqualTo("kind is \"EventList\", expected \"Event\"");
    assertThat(reason(with(EVENT_B, "userAgent", 42))).isEqualTo("userAgent must be a string, got a number");
    assertThat(reason(with(EVENT_B, "level", true))).isEqualTo("level must be a string, got a boolean");
    assertThat(reason(with(EVENT_B, "user", Json.mapper().createObjectNode()))).isEqualTo("missing required field user.username");
    assertThat(reason(with(EVENT_B, "stageTimestamp", "2024-01-02 03:04:05Z")))
        .isEqualTo("stageTimestamp \"2024-01-02 03:04:05Z\" is not an RFC 3339 time");
  }

  @Test
  void aNameRepeatedInOneObjectRejectsItsEventAtAnyDepthInBothReaders() throws Exception {
    String dupTop = EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\",\"verb\":\"create\"");
    String dupUser = EVENT_B.replace("{\"username\":\"bob\"}", "{\"username\":\"bob\",\"username\":\"root\"}");
    String dupDeep = EVENT_B.replace("\"verb\":\"list\"",
        "\"verb\":\"list\",\"requestObject\":{\"spec\":{\"containers\":[{\"image\":\"a\",\"image\":\"b\"}]}}");
    String dupUnknown = EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\",\"x\":[{\"a\":1,\"a\":2}]");
    String dupAnnotation = EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\",\"annotations\":{\"a\":\"1\",\"a\":\"2\"}");

    assertThat(reason(dupTop)).isEqualTo("the field \"verb\" appears twice in one object; parsers disagree on"
        + " which value counts, so send each field once");
    assertThat(reason(dupUser)).contains("\"username\" appears twice");
    assertThat(reason(dupDeep)).contains("\"image\" appears twice");
    assertThat(reason(dupUnknown)).contains("\"a\" appears twice");
    assertThat(reason(dupAnnotation)).contains("\"a\" appears twice");
    assertThat(AuditReader.keys().readEvent(utf8(dupUser)).username()).isNull();

    for (String bad : List.of(dupTop, dupUser, dupDeep)) {
      List<AuditItem> list = body("{\"kind\":\"EventList\",\"items\":[" + EVENT_A + "," + bad + "," + EVENT_B + "]}");
      assertThat(list).extracting(AuditItem::valid).containsExactly(true, false, true);
      assertThat(text(list.get(1))).isEqualTo(bad);
      assertThat(text(list.get(2))).isEqualTo(EVENT_B);
      assertThat(body("[" + bad + "," + EVENT_A + "]")).extracting(AuditItem::valid).containsExactly(false, true);
      List<AuditItem> lines = body(EVENT_A + "\n" + bad + "\n" + EVENT_B + "\n");
      assertThat(lines).extracting(AuditItem::valid).containsExactly(true, false, true);
      assertThat(text(lines.get(1))).isEqualTo(bad);
    }
  }

  @Test
  void anEventListRepeatingItsOwnFieldIsRejectedWhole() throws Exception {
    String list = "{\"kind\":\"EventList\",\"items\":[" + EVENT_A + "],\"items\":[" + EVENT_B + "]}";
    assertThat(body(list)).singleElement().satisfies(i -> {
      assertThat(i.reason()).contains("\"items\" appears twice");
      assertThat(text(i)).isEqualTo(list);
    });
  }

  @Test
  void anObjectThatIsNotAnEventListIsOneEventEvenWithAnItemsArray() throws Exception {
    String withItems = EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\",\"items\":[1,{\"a\":2}]");
    assertThat(body(withItems)).singleElement().satisfies(i -> {
      assertThat(i.valid()).isTrue();
      assertThat(text(i)).isEqualTo(withItems);
    });
    String repeatInItems = EVENT_B.replace("\"verb\":\"list\"", "\"verb\":\"list\",\"items\":[{\"a\":1,\"a\":2}]");
    assertThat(body(repeatInItems)).singleElement().satisfies(i -> assertThat(i.reason()).contains("appears twice"));
  }

  @Test
  void anEventListWithoutAnItemsArrayIsOneRejectedItem() throws Exception {
    assertThat(body("{\"kind\":\"EventList\",\"items\":{}}")).singleElement()
        .satisfies(i -> assertThat(i.reason()).isEqualTo("an EventList needs an \"items\" array of events"));
  }

  @Test
  void aBodyThatIsNotJsonSaysWhereItBroke() {
    assertThatThrownBy(() -> body("{\"kind\":\"EventList\",\n\"items\":[" + EVENT_A + ",}"))
        .isInstanceOfSatisfying(AuditSyntaxException.class, e -> {
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.utf8()).isTrue();
          assertThat(e.getMessage()).startsWith("not valid JSON at line 2, column");
        });
    assertThatThrownBy(() -> body("[".repeat(5000) + "]".repeat(5000)))
        .isInstanceOfSatisfying(AuditSyntaxException.class, e -> {
          assertThat(e.line()).isEqualTo(1);
          assertThat(e.detail()).contains("nesting depth");
        });
  }

  @Test
  void inputThatIsNotUtf8IsRefusedAsAWhole() {
    byte[] utf16 = ("\uFEFF" + EVENT_A).getBytes(StandardCharsets.UTF_16BE);
    assertThatThrownBy(() -> AuditReader.keys().readBody(utf16, 0, utf16.length, i -> { }))
        .isInstanceOfSatisfying(AuditSyntaxException.class, e -> assertThat(e.utf8()).isFalse());
    assertThat(AuditReader.keys().readEvent(utf16).reason()).isEqualTo("the value must be UTF-8 encoded JSON");

    byte[] invalid = utf8(EVENT_A.replace("\"get\"", "\"g@t\""));
    invalid[new String(invalid, StandardCharsets.UTF_8).indexOf('@')] = (byte) 0xC3;
    assertThat(AuditReader.keys().readEvent(invalid).reason()).startsWith("not valid JSON at line 1").contains("UTF-8");
    byte[] invalidSkipped = utf8(EVENT_A.replace("\"pods\"", "\"p@ds\""));
    invalidSkipped[new String(invalidSkipped, StandardCharsets.UTF_8).indexOf('@')] = (byte) 0xC3;
    assertThat(AuditReader.keys().readEvent(invalidSkipped).reason()).as("also in a value only skipped")
        .startsWith("not valid JSON at line 1").contains("UTF-8");
  }

  @Test
  void reasonsAreOneBoundedLine() {
    String longKind = "x".repeat(5000) + "\n\t" + "y";
    String reason = reason(with(EVENT_B, "kind", longKind));
    assertThat(reason).doesNotContain("\n").hasSizeLessThan(300);
    assertThat(reason(with(EVENT_B, "kind", "a\nb\u0000c"))).isEqualTo("kind is \"a b c\", expected \"Event\"");
  }

  @Test
  void everyFalcoTraceIsReadAndOnlyTheMalformedOneRejected() {
    int valid = 0;
    for (Path file : Corpus.falcoTraceFiles()) {
      boolean malformed = file.getFileName().toString().equals(Corpus.MALFORMED_TRACE);
      for (String line : Corpus.lines(file)) {
        AuditItem item = AuditReader.events().readEvent(utf8(line));
        if (malformed) {
          assertThat(item.reason()).isEqualTo("kind must be the string \"Event\", got a number");
          continue;
        }
        assertThat(item.reason()).as(file.getFileName().toString()).isNull();
        assertThat(text(item)).isEqualTo(line.strip());
        valid++;
      }
    }
    assertThat(valid).isGreaterThanOrEqualTo(50);
  }

  @Test
  void theEventOfEveryFalcoTraceIsWhatDatabindReads() throws IOException {
    for (Path file : Corpus.falcoTraceFiles()) {
      if (file.getFileName().toString().equals(Corpus.MALFORMED_TRACE)) {
        continue;
      }
      for (String line : Corpus.lines(file)) {
        AuditItem item = AuditReader.events().readEvent(utf8(line));
        assertThat(item.event()).as(file.getFileName().toString())
            .isEqualTo(Json.mapper().readValue(line, AuditEvent.class));
        assertThat(item.username()).isEqualTo(item.event().username());
        assertThat(item.auditId()).isEqualTo(item.event().auditID());
        assertThat(item.stage()).isEqualTo(item.event().stage());
      }
    }
  }

  static String with(String event, String field, Object value) {
    try {
      ObjectNode node = (ObjectNode) Json.mapper().readTree(event);
      node.set(field, Json.mapper().valueToTree(value));
      return Json.mapper().writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
