package dev.vigil.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertHistoryEntry;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

/**
 * The hand-written codecs write exactly the bytes reflective databind writes, and read back what
 * databind reads, for any value, including nulls inside lists and maps, any text and any instant.
 * A field added to {@link Finding} or {@link Alert} and not to its codec fails here.
 */
class CodecEquivalenceTest {
  private static final ObjectMapper MAPPER = Json.mapper();

  @Property(tries = 400)
  void findingBytesAndReadsMatchDatabind(@ForAll("findings") Finding finding) throws Exception {
    byte[] databind = MAPPER.writeValueAsBytes(finding);
    byte[] codec = FindingCodec.INSTANCE.write(finding);
    assertThat(new String(codec, StandardCharsets.UTF_8))
        .isEqualTo(new String(databind, StandardCharsets.UTF_8));
    assertThat(FindingCodec.INSTANCE.read(databind))
        .isEqualTo(MAPPER.readValue(databind, Finding.class));
  }

  @Property(tries = 400)
  void alertBytesAndReadsMatchDatabind(@ForAll("alerts") Alert alert) throws Exception {
    byte[] databind = MAPPER.writeValueAsBytes(alert);
    byte[] codec = AlertCodec.INSTANCE.write(alert);
    assertThat(new String(codec, StandardCharsets.UTF_8))
        .isEqualTo(new String(databind, StandardCharsets.UTF_8));
    assertThat(AlertCodec.INSTANCE.read(databind)).isEqualTo(MAPPER.readValue(databind, Alert.class));
  }

  @Property(tries = 2000)
  void instantsFormatAndParseAsTheJdkDoes(@ForAll("instants") Instant instant) {
    assertThat(Instants.format(instant)).isEqualTo(instant.toString());
    Instant parsed = Instants.parse(instant.toString());
    if (parsed != null) {
      assertThat(parsed).isEqualTo(instant);
    } else {
      assertThat(instant.toString().charAt(0)).as("only years beyond 9999 or before 0").isIn('+', '-');
    }
  }

  @Example
  void shapesItDoesNotWriteAreReadAsDatabindReadsThem() throws Exception {
    for (String json :
        List.of(
            "{\"fingerprint\":\"f\",\"count\":\"3\",\"startTime\":1733400000.5,\"tactics\":[1,true]}",
            "{\"fingerprint\":\"f\",\"startTime\":\"2026-12-05T13:42:07+01:00\",\"extendedProperties\":{\"a\":1}}",
            "{\"fingerprint\":\"f\",\"unknown\":{\"deep\":[1,{\"x\":null}]},\"count\":2}",
            "{\"fingerprint\":\"f\",\"startTime\":\"2026-02-30T00:00:00Z\"}")) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      Object expected;
      try {
        expected = MAPPER.readValue(bytes, Finding.class);
      } catch (Exception e) {
        assertThatThrownBy(() -> FindingCodec.INSTANCE.read(bytes)).isInstanceOf(e.getClass());
        continue;
      }
      assertThat(FindingCodec.INSTANCE.read(bytes)).as(json).isEqualTo(expected);
    }
  }

  @Example
  void anUnknownSeverityIsRefusedAsDatabindRefusesIt() {
    byte[] bytes = "{\"id\":\"a\",\"severity\":\"Critical\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> MAPPER.readValue(bytes, Alert.class))
        .isInstanceOf(com.fasterxml.jackson.databind.exc.InvalidFormatException.class);
    assertThatThrownBy(() -> AlertCodec.INSTANCE.read(bytes))
        .isInstanceOf(com.fasterxml.jackson.databind.exc.InvalidFormatException.class);
  }

  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds = Arbitraries.longs().between(-62_167_219_200L - 86_400L * 400, 253_402_300_799L + 86_400L * 400);
    Arbitrary<Integer> nanos =
        Arbitraries.oneOf(
            Arbitraries.just(0),
            Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
            Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
            Arbitraries.integers().between(0, 999_999_999));
    return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
  }

  private static Arbitrary<String> text() {
    return Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12),
            Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(8),
            Arbitraries.of("K8S_ExecIntoPod", "prod", "default/nginx", "ünïcødé \"q\" \\ /"))
        .injectNull(0.15);
  }

  private static Arbitrary<List<String>> strings() {
    return text().list().ofMaxSize(4).injectNull(0.15);
  }

  private static Arbitrary<Map<String, String>> stringMap() {
    return Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), text()).ofMaxSize(3).injectNull(0.15);
  }

  private static Arbitrary<List<Entity>> entities() {
    Arbitrary<Entity> entity = Combinators.combine(text(), text()).as(Entity::new);
    return entity.injectNull(0.1).list().ofMaxSize(3).injectNull(0.15);
  }

  private Arbitrary<Instant> maybeInstant() {
    return instants().injectNull(0.15);
  }

  @Provide
  Arbitrary<Finding> findings() {
    return Combinators.combine(
            Combinators.combine(text(), text(), text(), text(), Arbitraries.of(Severity.class).injectNull(0.1), strings(), strings(), strings())
                .as((a, b, c, d, e, f, g, h) -> new Object[] {a, b, c, d, e, f, g, h}),
            Combinators.combine(text(), text(), text(), entities(), maybeInstant(), maybeInstant(), Arbitraries.integers(), strings())
                .as((a, b, c, d, e, f, g, h) -> new Object[] {a, b, c, d, e, f, g, h}),
            Arbitraries.longs(),
            stringMap())
        .as(CodecEquivalenceTest::finding);
  }

  @SuppressWarnings("unchecked")
  private static Finding finding(Object[] x, Object[] y, long receivedMs, Map<String, String> props) {
    return new Finding((String) x[0], (String) x[1], (String) x[2], (String) x[3], (Severity) x[4],
        (List<String>) x[5], (List<String>) x[6], (List<String>) x[7], (String) y[0], (String) y[1],
        (String) y[2], (List<Entity>) y[3], (Instant) y[4], (Instant) y[5], (Integer) y[6],
        (List<String>) y[7], receivedMs, props);
  }

  @Provide
  Arbitrary<Alert> alerts() {
    Arbitrary<AlertHistoryEntry> entry =
        Combinators.combine(Arbitraries.of(AlertStatus.class).injectNull(0.1), text(), text(), maybeInstant())
            .as(AlertHistoryEntry::new);
    return Combinators.combine(
            Combinators.combine(text(), text(), text(), text(), Arbitraries.of(Severity.class).injectNull(0.1), strings(), strings(), Arbitraries.of(AlertStatus.class).injectNull(0.1))
                .as((a, b, c, d, e, f, g, h) -> new Object[] {a, b, c, d, e, f, g, h}),
            Combinators.combine(text(), text(), text(), entities(), strings(), maybeInstant(), maybeInstant(), maybeInstant())
                .as((a, b, c, d, e, f, g, h) -> new Object[] {a, b, c, d, e, f, g, h}),
            Arbitraries.longs(),
            strings(),
            stringMap(),
            entry.list().ofMaxSize(3).injectNull(0.2))
        .as(CodecEquivalenceTest::alert);
  }

  @SuppressWarnings("unchecked")
  private static Alert alert(Object[] x, Object[] y, long count, List<String> auditIds,
      Map<String, String> props, List<AlertHistoryEntry> history) {
    return new Alert((String) x[0], (String) x[1], (String) x[2], (String) x[3], (Severity) x[4],
        (List<String>) x[5], (List<String>) x[6], (AlertStatus) x[7], (String) y[0], (String) y[1],
        (String) y[2], (List<Entity>) y[3], (List<String>) y[4], (Instant) y[5], (Instant) y[6],
        (Instant) y[7], count, auditIds, props, history);
  }

}
