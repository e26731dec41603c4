package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.AuditBatchDecoder.DecodedBatch;
import dev.vigil.ingest.AuditBatchDecoder.Item;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based fuzzing of the decoder: whatever the body, only the typed refusals ({@link
 * MalformedBodyException}, {@link PayloadTooLargeException}) escape, and a decoded batch is always
 * coherent (indices in order, every valid item a JSON object).
 */
class AuditBatchDecoderFuzzTest {
  private static final int CAP = 256 * 1024;
  private static final List<byte[]> SEEDS = seeds();

  private final AuditBatchDecoder decoder = new AuditBatchDecoder(CAP);

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (var file : Corpus.falcoTraceFiles()) {
      lines.addAll(Corpus.lines(file));
      if (lines.size() > 200) {
        break;
      }
    }
    for (String line : lines.subList(0, Math.min(60, lines.size()))) {
      seeds.add(line.getBytes(StandardCharsets.UTF_8));
    }
    String three = String.join(",", lines.subList(0, 3));
    seeds.add(("{\"kind\":\"EventList\",\"items\":[" + three + "]}").getBytes(StandardCharsets.UTF_8));
    seeds.add(("[" + three + "]").getBytes(StandardCharsets.UTF_8));
    seeds.add(String.join("\n", lines.subList(0, 5)).getBytes(StandardCharsets.UTF_8));
    return seeds;
  }

  @Property(tries = 400)
  void arbitraryBytesOnlyEverRaiseTypedRefusals(@ForAll("anyBytes") byte[] body) {
    decodeExpectingOnlyTypedRefusals(body, false);
    decodeExpectingOnlyTypedRefusals(body, true);
  }

  @Property(tries = 1500)
  void mutatedRealEventsOnlyEverRaiseTypedRefusals(@ForAll("mutatedSeeds") byte[] body) {
    decodeExpectingOnlyTypedRefusals(body, false);
  }

  @Property(tries = 200)
  void gzipOfMutatedEventsOnlyEverRaisesTypedRefusals(@ForAll("mutatedSeeds") byte[] body)
      throws IOException {
    decodeExpectingOnlyTypedRefusals(gzip(body), true);
  }

  private void decodeExpectingOnlyTypedRefusals(byte[] body, boolean gzip) {
    DecodedBatch batch;
    try {
      batch = decoder.decode(body, gzip);
    } catch (MalformedBodyException | PayloadTooLargeException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    for (int i = 0; i < batch.items().size(); i++) {
      Item item = batch.items().get(i);
      assertThat(item.index()).isEqualTo(i);
      if (item.valid()) {
        assertThat(readsAsObject(item.json())).as("valid item is a JSON object").isTrue();
      } else {
        assertThat(item.rejectReason()).isNotBlank();
      }
    }
  }

  private static boolean readsAsObject(byte[] json) {
    try {
      return Json.mapper().readTree(json).isObject();
    } catch (IOException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<byte[]> anyBytes() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    Arbitrary<byte[]> jsonish =
        Arbitraries.of("{", "}", "[", "]", "\"", ":", ",", "\\", "\n", "kind", "Event", "items", "1e999",
                "-0", "null", "true", "\u00ff", "\\u0000", "\\ud800", " ")
            .list()
            .ofMaxSize(300)
            .map(parts -> String.join("", parts).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(random, jsonish);
  }

  @Provide
  Arbitrary<byte[]> mutatedSeeds() {
    Arbitrary<byte[]> seed = Arbitraries.of(SEEDS);
    Arbitrary<Mutation> mutation =
        Combinators.combine(
                Arbitraries.integers().between(0, 6),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(1, 64),
                Arbitraries.of("0", "\"x\"", "[]", "{}", "null", "1e400", "-99999999999999999999999",
                    "\"\\ud800\"", "{\"kind\":0}", "[[[[[[[[", "\u0000", "\u00e9", "\\"))
            .as(Mutation::new);
    return Combinators.combine(seed, mutation.list().ofMinSize(1).ofMaxSize(4))
        .as(
            (bytes, mutations) -> {
              byte[] out = bytes;
              for (Mutation m : mutations) {
                out = m.apply(out);
              }
              return out;
            });
  }

  /** One edit of a body: flip, delete, truncate, duplicate a span, or splice a JSON fragment in. */
  record Mutation(int kind, double where, int span, String fragment) {
    byte[] apply(byte[] in) {
      if (in.length == 0) {
        return fragment.getBytes(StandardCharsets.UTF_8);
      }
      int at = (int) (where * (in.length - 1));
      int end = Math.min(in.length, at + span);
      switch (kind) {
        case 0: {
          byte[] out = in.clone();
          out[at] = (byte) (out[at] ^ (1 << (span % 8)));
          return out;
        }
        case 1:
          return concat(Arrays.copyOfRange(in, 0, at), Arrays.copyOfRange(in, end, in.length));
        case 2:
          return Arrays.copyOf(in, at);
        case 3:
          return concat(Arrays.copyOfRange(in, 0, end), Arrays.copyOfRange(in, at, in.length));
        default:
          return concat(
              concat(Arrays.copyOfRange(in, 0, at), fragment.getBytes(StandardCharsets.UTF_8)),
              Arrays.copyOfRange(in, kind == 4 ? at : end, in.length));
      }
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}
