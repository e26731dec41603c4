package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.ingest.AuditBatchDecoder.DecodedBatch;
import dev.vigil.ingest.AuditBatchDecoder.Item;
import dev.vigil.schemas.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class AuditBatchDecoderTest {

  private static final String EVENT_A =
      "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-1\",\"stage\":\"ResponseComplete\","
          + "\"verb\":\"get\",\"user\":{\"username\":\"alice\",\"groups\":[\"dev\"]},"
          + "\"stageTimestamp\":\"2024-05-01T10:00:00.123456Z\",\"objectRef\":{\"resource\":\"pods\"}}";
  private static final String EVENT_B =
      "{\"kind\":\"Event\",\"auditID\":\"b-2\",\"stage\":\"ResponseComplete\",\"verb\":\"list\","
          + "\"user\":{\"username\":\"bob\"},\"stageTimestamp\":\"2024-05-01T10:00:01Z\","
          + "\"responseStatus\":{\"code\":200}}";

  private final AuditBatchDecoder decoder = new AuditBatchDecoder(IngestLimits.DEFAULT_MAX_BODY_BYTES);

  private DecodedBatch decode(String body) {
    return decoder.decode(body.getBytes(StandardCharsets.UTF_8), false);
  }

  private static String text(Item item) {
    return new String(item.json(), StandardCharsets.UTF_8);
  }

  @Test
  void eventListIsSplitIntoItsEventsWithExactBytes() {
    DecodedBatch batch =
        decode(
            "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
                + EVENT_A + ",\n  " + EVENT_B + "]}");

    assertThat(batch.items()).hasSize(2).allMatch(Item::valid);
    assertThat(text(batch.items().get(0))).isEqualTo(EVENT_A);
    assertThat(text(batch.items().get(1))).isEqualTo(EVENT_B);
    assertThat(batch.items()).extracting(Item::username).containsExactly("alice", "bob");
    assertThat(batch.items()).extracting(Item::index).containsExactly(0, 1);
  }

  @Test
  void eventListWhoseKindComesAfterItsItemsIsStillAnEventList() {
    DecodedBatch batch = decode("{\"items\":[" + EVENT_A + "],\"kind\":\"EventList\"}");

    assertThat(batch.items()).singleElement().satisfies(i -> assertThat(text(i)).isEqualTo(EVENT_A));
  }

  @Test
  void singleEventIsOneItem() {
    DecodedBatch batch = decode("  " + EVENT_B + "\n");

    assertThat(batch.items()).singleElement().satisfies(i -> {
      assertThat(i.valid()).isTrue();
      assertThat(text(i)).isEqualTo(EVENT_B);
    });
  }

  @Test
  void jsonArrayOfEvents() {
    DecodedBatch batch = decode("[" + EVENT_A + "," + EVENT_B + "]");

    assertThat(batch.items()).extracting(AuditBatchDecoderTest::text).containsExactly(EVENT_A, EVENT_B);
  }

  @Test
  void jsonLinesWithBlankLinesAndCrLf() {
    DecodedBatch batch = decode(EVENT_A + "\r\n\r\n   \n" + EVENT_B + "\n\n");

    assertThat(batch.items()).extracting(AuditBatchDecoderTest::text).containsExactly(EVENT_A, EVENT_B);
    assertThat(batch.items()).allMatch(Item::valid);
  }

  @Test
  void wholeCorpusDecodesWithOnlyTheMalformedTraceRejected() throws IOException {
    StringBuilder body = new StringBuilder();
    int lines = 0;
    for (Path file : Corpus.falcoTraceFiles()) {
      body.append(Files.readString(file)).append('\n');
      lines += Corpus.lines(file).size();
    }

    DecodedBatch batch = decode(body.toString());

    assertThat(batch.items()).hasSize(lines);
    List<Item> rejected = batch.items().stream().filter(i -> !i.valid()).collect(Collectors.toList());
    assertThat(rejected).singleElement().satisfies(i -> {
      assertThat(text(i)).isEqualTo("{\"kind\": 0}");
      assertThat(i.rejectReason()).isEqualTo("kind must be the string \"Event\", got a number");
    });
  }

  @Test
  void badItemIsRejectedWithoutDroppingItsNeighbours() {
    String missingVerb = EVENT_B.replace("\"verb\":\"list\",", "");
    DecodedBatch batch = decode("[" + EVENT_A + "," + missingVerb + ",42," + EVENT_B + "]");

    assertThat(batch.items()).extracting(Item::valid).containsExactly(true, false, false, true);
    assertThat(batch.items().get(1).rejectReason()).isEqualTo("missing required field verb");
    assertThat(batch.items().get(1).username()).isEqualTo("bob");
    assertThat(text(batch.items().get(1))).isEqualTo(missingVerb);
    assertThat(batch.items().get(2).rejectReason()).contains("JSON number, not an audit Event");
  }

  @Test
  void itemsAreCheckedAgainstTheSharedContract() {
    // Each rule's reason is tested with the reader (schemas' AuditReaderTest); here, that the gateway
    // answers with those reasons.
    assertThat(reason(EVENT_A.replace("\"kind\":\"Event\"", "\"kind\":\"Pod\"")))
        .isEqualTo("kind is \"Pod\", expected \"Event\"");
    assertThat(reason(EVENT_A.replace("ResponseComplete", "Whenever"))).startsWith("stage is \"Whenever\"");
    assertThat(reason(EVENT_A.replace("audit.k8s.io/v1", "audit.k8s.io/v2"))).startsWith("apiVersion is");
    assertThat(reason(EVENT_A)).isNull();
  }

  private String reason(String event) {
    return decode(event).items().get(0).rejectReason();
  }

  @Test
  void eventListWithoutItemsIsOneRejectedItem() {
    DecodedBatch batch = decode("{\"kind\":\"EventList\",\"items\":{}}");

    assertThat(batch.items()).singleElement().satisfies(i ->
        assertThat(i.rejectReason()).isEqualTo("an EventList needs an \"items\" array of events"));
  }

  @Test
  void unparseableBodySaysWhereItBroke() {
    assertThatThrownBy(() -> decode("{\"kind\":\"EventList\",\n\"items\":[" + EVENT_A + ",}"))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("line 2, column")
        .hasMessageContaining("send an EventList");
    assertThatThrownBy(() -> decode("hello world"))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("line 1, column");
  }

  @Test
  void truncatedJsonLineIsRejectedAloneAndItsNeighboursKept() {
    String truncated = EVENT_B.substring(0, 40);
    DecodedBatch batch = decode(EVENT_A + "\n" + truncated + "\n" + EVENT_A + "\n" + EVENT_B);

    assertThat(batch.items()).extracting(Item::valid).containsExactly(true, false, true, true);
    Item broken = batch.items().get(1);
    assertThat(broken.rejectReason()).startsWith("line 2, column ").contains("not valid JSON");
    assertThat(text(broken)).isEqualTo(truncated);
    assertThat(batch.items()).extracting(Item::index).containsExactly(0, 1, 2, 3);
    assertThat(text(batch.items().get(2))).isEqualTo(EVENT_A);
    assertThat(text(batch.items().get(3))).isEqualTo(EVENT_B);
  }

  @Test
  void brokenPrettyPrintedDocumentIsRefusedAsAWhole() {
    String pretty = "{\n  \"kind\": \"EventList\",\n  \"items\": [\n    " + EVENT_A + "\n    " + EVENT_B + "\n  ]\n}\n";

    assertThatThrownBy(() -> decode(pretty))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("line 5, column 5");
  }

  @Test
  void emptyBodyIsMalformed() {
    assertThatThrownBy(() -> decode("")).isInstanceOf(MalformedBodyException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> decode(" \n\t ")).isInstanceOf(MalformedBodyException.class);
    assertThatThrownBy(() -> decoder.decode(new byte[0], true)).isInstanceOf(MalformedBodyException.class);
  }

  @Test
  void gzipBodyIsInflated() throws IOException {
    byte[] body = gzip((EVENT_A + "\n" + EVENT_B).getBytes(StandardCharsets.UTF_8));

    DecodedBatch batch = decoder.decode(body, true);

    assertThat(batch.items()).extracting(AuditBatchDecoderTest::text).containsExactly(EVENT_A, EVENT_B);
  }

  @Test
  void bodyDeclaredGzipButNotGzipIsMalformed() {
    assertThatThrownBy(() -> decoder.decode(EVENT_A.getBytes(StandardCharsets.UTF_8), true))
        .isInstanceOf(MalformedBodyException.class)
        .hasMessageContaining("not valid gzip");
  }

  @Test
  void gzipBombStopsAtTheCap() throws IOException {
    long cap = 1024 * 1024;
    AuditBatchDecoder small = new AuditBatchDecoder(cap);
    // 1 GiB of zeros compresses to about 1 MiB; inflating it all would take a second and a GiB.
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1024 * 1024];
      for (int i = 0; i < 64; i++) {
        out.write(zeros);
      }
    }
    byte[] bomb = compressed.toByteArray();
    assertThat(bomb.length).isLessThan((int) cap);

    assertThatThrownBy(() -> small.decode(bomb, true))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("decompressed body exceeds " + cap);
  }

  @Test
  void bodyAtTheCapPassesAndOneByteMoreDoesNot() throws IOException {
    byte[] event = EVENT_A.getBytes(StandardCharsets.UTF_8);
    AuditBatchDecoder exact = new AuditBatchDecoder(event.length);
    assertThat(exact.decode(event, false).items()).hasSize(1);
    assertThat(exact.decode(gzip(event), true).items()).hasSize(1);

    AuditBatchDecoder tooSmall = new AuditBatchDecoder(event.length - 1);
    assertThatThrownBy(() -> tooSmall.decode(event, false)).isInstanceOf(PayloadTooLargeException.class);
    assertThatThrownBy(() -> tooSmall.decode(gzip(event), true)).isInstanceOf(PayloadTooLargeException.class);
  }

  @Test
  void excessiveNestingIsRefusedNotAStackOverflow() {
    String deep = "[".repeat(5000) + "]".repeat(5000);

    assertThatThrownBy(() -> decode(deep)).isInstanceOf(MalformedBodyException.class).hasMessageContaining("line 1");
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}
