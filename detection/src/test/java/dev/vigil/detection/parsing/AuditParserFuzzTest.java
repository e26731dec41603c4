package dev.vigil.detection.parsing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Property-based fuzzing of detection's parser: it never throws, and it never needs its catch-all
 * (a reason starting "cannot be read:" means an unforeseen exception was caught), so every rejection
 * carries a precise reason.
 */
class AuditParserFuzzTest {
  private static final List<byte[]> SEEDS = seeds();
  private static final List<String> FRAGMENTS =
      List.of("0", "\"x\"", "[]", "{}", "null", "1e400", "-99999999999999999999999", "\"\\ud800\"",
          "{\"kind\":0}", "[[[[", "\u0000", "\u00e9", "\\", "\"stageTimestamp\":\"not a time\",",
          "\"user\":[],", "\"verb\":\"a\",\"verb\":\"b\",", "\"stage\":7,");

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    for (var file : Corpus.falcoTraceFiles()) {
      for (String line : Corpus.lines(file)) {
        seeds.add(line.getBytes(StandardCharsets.UTF_8));
      }
      if (seeds.size() > 80) {
        break;
      }
    }
    return seeds;
  }

  private static RecordHeaders headers() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(VigilHeaders.CLUSTER, "c1".getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.WORKSPACE, "default".getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.RECEIVED_MS, "1700000000000".getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private static void assertParsedOrPreciselyRejected(byte[] value) {
    ParseResult result = AuditParser.parse(value, headers());
    if (result.isRejected()) {
      assertThat(result.reason()).isNotBlank().doesNotStartWith("cannot be read:");
      assertThat(result.reason()).doesNotContain("\n");
    } else {
      assertThat(result.valid().event()).isNotNull();
    }
  }

  @Example
  void seedsParse() {
    assertThat(SEEDS).isNotEmpty();
    long valid = SEEDS.stream().filter(s -> !AuditParser.parse(s, headers()).isRejected()).count();
    assertThat(valid).isPositive();
  }

  @Example
  void duplicateFieldNamesAreRejectedWithAReason() {
    byte[] seed = SEEDS.get(0);
    String text = new String(seed, StandardCharsets.UTF_8);
    String dup = "{\"verb\":\"delete\"," + text.substring(1);
    ParseResult result = AuditParser.parse(dup.getBytes(StandardCharsets.UTF_8), headers());
    assertThat(result.isRejected()).isTrue();
    assertThat(result.reason()).contains("the field \"verb\" appears twice");
  }

  @Property(tries = 400)
  void arbitraryBytes(@ForAll("anyBytes") byte[] value) {
    assertParsedOrPreciselyRejected(value);
  }

  @Property(tries = 1500)
  void mutatedRealEvents(@ForAll("mutated") byte[] value) {
    assertParsedOrPreciselyRejected(value);
  }

  @Provide
  Arbitrary<byte[]> anyBytes() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(1024),
        Arbitraries.of(FRAGMENTS).list().ofMaxSize(100)
            .map(parts -> String.join("", parts).getBytes(StandardCharsets.UTF_8)));
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    Arbitrary<int[]> edit = Arbitraries.integers().between(0, 1_000_000).array(int[].class).ofSize(3);
    return Combinators.combine(Arbitraries.of(SEEDS), edit.list().ofMinSize(1).ofMaxSize(4))
        .as((seed, edits) -> {
          byte[] out = seed;
          for (int[] e : edits) {
            out = apply(out, e[0] % 5, e[1], 1 + e[2] % 64, FRAGMENTS.get(e[2] % FRAGMENTS.size()));
          }
          return out;
        });
  }

  private static byte[] apply(byte[] in, int kind, int where, int span, String fragment) {
    if (in.length == 0) {
      return fragment.getBytes(StandardCharsets.UTF_8);
    }
    int at = where % in.length;
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
      default:
        return concat(concat(Arrays.copyOfRange(in, 0, at), fragment.getBytes(StandardCharsets.UTF_8)),
            Arrays.copyOfRange(in, kind == 3 ? at : end, in.length));
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
