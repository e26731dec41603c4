package dev.vigil.detection.parsing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UtcTimestampsTest {

  @Property(tries = 3000)
  void givesTheInstantThatInstantParseGives(@ForAll("instants") Instant instant) {
    String text = instant.toString();
    assertThat(UtcTimestamps.parse(text)).isEqualTo(Instant.parse(text));
  }

  /** Near misses: whatever it accepts, Instant.parse accepts with the same value. */
  @Property(tries = 3000)
  void neverAcceptsWhatInstantParseReadsDifferentlyOrRefuses(@ForAll("nearMisses") String text) {
    Instant fast = UtcTimestamps.parse(text);
    if (fast == null) {
      return;
    }
    assertThat(fast).isEqualTo(Instant.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z",
      "2024-01-01T00:00:60Z", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+00:00",
      "2024-01-01 00:00:00Z", "2024-1-01T00:00:00Z", "2024-01-01T00:00:00.1234567890Z",
      "+2024-01-01T00:00:00Z", "2024-01-01T00:00:00z"})
  void leavesEverythingUnusualToTheFormatter(String text) {
    assertThat(UtcTimestamps.parse(text)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-02-29T23:59:59.999999Z", "1970-01-01T00:00:00Z", "0000-03-01T00:00:00.5Z",
      "2000-02-29T12:00:00.000000001Z", "9999-12-31T23:59:59Z", "1600-02-29T00:00:00.10Z"})
  void readsTheEdgesOfTheCalendar(String text) {
    assertThat(UtcTimestamps.parse(text)).isEqualTo(Instant.parse(text));
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs().between(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
            Instant.parse("9999-12-31T23:59:59Z").getEpochSecond())
        .flatMap(s -> Arbitraries.of(0, 1, 10, 1000, 123_000_000, 123_456_000, 999_999_999)
            .map(n -> Instant.ofEpochSecond(s, n)));
  }

  @Provide
  Arbitrary<String> nearMisses() {
    Arbitrary<Character> chars = Arbitraries.of('0', '1', '2', '5', '9', '-', ':', 'T', 'Z', '.', '+');
    return instants().map(Instant::toString).flatMap(base -> Arbitraries.integers()
        .between(0, base.length() - 1)
        .flatMap(i -> chars.map(c -> base.substring(0, i) + c + base.substring(i + 1))));
  }
}
