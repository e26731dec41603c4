package dev.vigil.detection.parsing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.testing.Corpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class AuditEventReaderTest {

  private static final String CLUSTER = "c1";
  private static final String WORKSPACE = "default";
  private static final long RECEIVED = 1_700_000_000_000L;

  @Test
  void everyCorpusLineGivesWhatTheFullPathGives() {
    int fast = 0;
    for (Path file : Corpus.falcoTraceFiles()) {
      for (String line : Corpus.lines(file)) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        assertSameAnswer(bytes, file + ": " + abbreviate(line));
        if (AuditEventReader.read(bytes) != null) {
          fast++;
        }
      }
    }
    // The corpus's valid events all take the fast path: only the malformed trace falls back.
    assertTrue(fast >= 51, "fast-path events: " + fast);
  }

  @Test
  void everyDetectorFixtureGivesWhatTheFullPathGives() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("src/test/resources"))) {
      files = walk.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    assertFalse(files.isEmpty());
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      assertSameAnswer(bytes, file.toString());
    }
  }

  @Test
  void unusualButValidInputGivesWhatTheFullPathGives() {
    List<String> variants = new ArrayList<>();
    String base = firstCorpusEvent();
    variants.add(with(base, "requestObject", null));
    variants.add(with(base, "responseObject", null));
    variants.add(with(base, "objectRef", null));
    variants.add(with(base, "responseStatus", null));
    variants.add(with(base, "sourceIPs", null));
    variants.add(with(base, "annotations", null));
    variants.add(with(base, "impersonatedUser", null));
    variants.add(with(base, "userAgent", 42));
    variants.add(with(base, "level", true));
    variants.add(with(base, "requestReceivedTimestamp", "2024-01-02T03:04:05+02:00"));
    variants.add(with(base, "stageTimestamp", "2024-01-02T03:04:05.123456789-07:00"));
    variants.add(with(base, "stageTimestamp", "2024-01-02 03:04:05Z"));
    variants.add(with(base, "kind", null));
    variants.add(with(base, "apiVersion", null));
    variants.add(with(base, "apiVersion", "audit.k8s.io/v2"));
    variants.add(with(base, "kind", "EventList"));
    variants.add(with(base, "auditID", ""));
    variants.add(with(base, "auditID", 7));
    variants.add(with(base, "stage", "Whenever"));
    variants.add(with(base, "verb", null));
    variants.add(with(base, "user", "alice"));
    variants.add(with(base, "user", Json.mapper().createObjectNode()));
    variants.add(with(base, "unknownField", Json.mapper().createObjectNode().put("a", 1)));
    variants.add(with(base, "responseStatus", Json.mapper().createObjectNode().put("code", 1e3)));
    variants.add(
        with(base, "responseStatus", Json.mapper().createObjectNode().put("code", 5_000_000_000L)));
    variants.add(with(base, "sourceIPs", Json.mapper().createArrayNode().add("10.0.0.1").add(3)));
    variants.add(with(base, "annotations", Json.mapper().createObjectNode().put("k", 1)));
    variants.add(base + " {}");
    variants.add(base + " ");
    variants.add(base.substring(0, base.length() / 2));
    variants.add("[" + base + "]");
    variants.add("\"text\"");
    variants.add("{\"auditID\":\"a\",\"auditID\":\"b\",\"stage\":\"ResponseComplete\",\"verb\":\"get\","
        + "\"user\":{\"username\":\"u\"},\"stageTimestamp\":\"2024-01-02T03:04:05Z\"}");
    for (String variant : variants) {
      assertSameAnswer(variant.getBytes(StandardCharsets.UTF_8), abbreviate(variant));
    }
  }

  @Test
  void theFastPathReadsTheFieldsDetectorsUse() {
    AuditEvent event =
        AuditEventReader.read(firstCorpusEvent().getBytes(StandardCharsets.UTF_8));
    assertNotNull(event);
    assertNotNull(event.auditID());
    assertNotNull(event.user().username());
    assertNotNull(event.stageTimestamp());
  }

  @Test
  void theFastPathDefersOnAFieldNamedTwiceAtAnyDepth() {
    String event = firstCorpusEvent();
    assertNull(
        AuditEventReader.read(
            ("{\"verb\":\"delete\"," + event.substring(1)).getBytes(StandardCharsets.UTF_8)));
    assertNull(
        AuditEventReader.read(
            with(event, "unknownField", Json.mapper().createObjectNode().put("a", 1))
                .replace("{\"a\":1}", "{\"a\":1,\"a\":2}")
                .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theFastPathDefersOnACoercibleNumber() {
    assertNull(
        AuditEventReader.read(
            with(firstCorpusEvent(), "userAgent", 42).getBytes(StandardCharsets.UTF_8)));
  }

  private static void assertSameAnswer(byte[] bytes, String what) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(VigilHeaders.CLUSTER, CLUSTER.getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.WORKSPACE, WORKSPACE.getBytes(StandardCharsets.UTF_8));
    headers.add(
        VigilHeaders.RECEIVED_MS, Long.toString(RECEIVED).getBytes(StandardCharsets.UTF_8));
    ParseResult actual = AuditParser.parse(bytes, headers);
    ParseResult expected = AuditParser.parseTree(bytes, CLUSTER, WORKSPACE, RECEIVED);
    assertEquals(expected.isRejected(), actual.isRejected(), what);
    assertEquals(expected.reason(), actual.reason(), what);
    assertEquals(expected.valid(), actual.valid(), what);
  }

  private static String firstCorpusEvent() {
    for (Path file : Corpus.falcoTraceFiles()) {
      if (!file.getFileName().toString().equals(Corpus.MALFORMED_TRACE)) {
        return Corpus.lines(file).get(0);
      }
    }
    throw new IllegalStateException("no corpus event");
  }

  private static String with(String event, String field, Object value) {
    try {
      ObjectNode node = (ObjectNode) Json.mapper().readTree(event);
      node.set(field, Json.mapper().valueToTree(value));
      return Json.mapper().writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}
