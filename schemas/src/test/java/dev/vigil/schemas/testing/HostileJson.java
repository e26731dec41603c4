package dev.vigil.schemas.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Hostile input for property tests of whatever reads audit events: random bytes, JSON-ish token soup,
 * and real corpus events edited by flips, cuts, copies and spliced fragments. Shared through the
 * test-jar, so the gateway's and detection's fuzz tests feed their readers the same inputs.
 */
public final class HostileJson {

  /** Fragments that break JSON, its numbers and strings, or the audit contract when spliced in. */
  public static final List<String> FRAGMENTS =
      List.of("0", "\"x\"", "[]", "{}", "null", "1e400", "-99999999999999999999999", "\"\\ud800\"",
          "{\"kind\":0}", "[[[[[[[[", "\u0000", "\u00e9", "\\", "\"stageTimestamp\":\"not a time\",",
          "\"user\":[],", "\"verb\":\"a\",\"verb\":\"b\",", "\"stage\":7,", "\"stage\":\"Later\",",
          "\"apiVersion\":\"audit.k8s.io/v2\",", "\"kind\":\"EventList\",", "\"items\":[{},1],",
          "\"responseStatus\":{\"code\":1000},", "\"annotations\":{\"a\":1},");

  private static final List<String> SOUP =
      List.of("{", "}", "[", "]", "\"", ":", ",", "\\", "\n", "kind", "Event", "EventList", "items",
          "1e999", "-0", "null", "true", "\u00ff", "\\u0000", "\\ud800", " ");

  private HostileJson() {}

  /** Up to {@code max} events of the Falco corpus, one per line as the traces hold them. */
  public static List<byte[]> corpusEvents(int max) {
    List<byte[]> events = new ArrayList<>();
    for (Path file : Corpus.falcoTraceFiles()) {
      for (String line : Corpus.lines(file)) {
        if (events.size() == max) {
          return events;
        }
        events.add(line.getBytes(StandardCharsets.UTF_8));
      }
    }
    return events;
  }

  /** Corpus events alone, and a few as an EventList, a JSON array and JSON lines. */
  public static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>(corpusEvents(60));
    List<String> lines = new ArrayList<>();
    for (byte[] event : seeds.subList(0, 5)) {
      lines.add(new String(event, StandardCharsets.UTF_8));
    }
    String three = String.join(",", lines.subList(0, 3));
    seeds.add(("{\"kind\":\"EventList\",\"items\":[" + three + "]}").getBytes(StandardCharsets.UTF_8));
    seeds.add(("[" + three + "]").getBytes(StandardCharsets.UTF_8));
    seeds.add(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    return seeds;
  }

  /** Random bytes, or a soup of JSON tokens. */
  public static Arbitrary<byte[]> anyBytes() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    Arbitrary<byte[]> soup =
        Arbitraries.of(SOUP).list().ofMaxSize(300)
            .map(parts -> String.join("", parts).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> fragments =
        Arbitraries.of(FRAGMENTS).list().ofMaxSize(100)
            .map(parts -> String.join("", parts).getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(random, soup, fragments);
  }

  /** One to four {@link Mutation}s of one of {@code seeds}. */
  public static Arbitrary<byte[]> mutated(List<byte[]> seeds) {
    Arbitrary<Mutation> mutation =
        Combinators.combine(
                Arbitraries.integers().between(0, 6),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(1, 64),
                Arbitraries.of(FRAGMENTS))
            .as(Mutation::new);
    return Combinators.combine(Arbitraries.of(seeds), mutation.list().ofMinSize(1).ofMaxSize(4))
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
  public record Mutation(int kind, double where, int span, String fragment) {
    public byte[] apply(byte[] in) {
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
}
