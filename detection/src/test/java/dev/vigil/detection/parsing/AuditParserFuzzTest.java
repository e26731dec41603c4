package dev.vigil.detection.parsing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.testing.HostileJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitrary;
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
  private static final List<byte[]> SEEDS = HostileJson.seeds();

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
    return HostileJson.anyBytes();
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    return HostileJson.mutated(SEEDS);
  }
}
