package dev.vigil.detection.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.stateful.StatefulConfig;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The real detection topology in a {@link TopologyTestDriver}, with the app's own properties. */
public final class TopologyHarness implements AutoCloseable {

  public static final String CLUSTER = "prod-eu-1";
  public static final String WORKSPACE = "default";
  public static final Instant START = Instant.parse("2024-05-01T10:00:00Z");

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> raw;
  private final TestOutputTopic<String, Finding> findings;
  private final TestOutputTopic<String, byte[]> dlq;
  private final TestInputTopic<byte[], byte[]> rawBytes;
  private final TestOutputTopic<byte[], byte[]> dlqBytes;
  private Instant clock = START;

  public TopologyHarness(Path stateDir) {
    this(stateDir, Set.of());
  }

  public TopologyHarness(Path stateDir, Set<String> disabledAlertTypes) {
    this(stateDir, DetectionRules.defaults(), disabledAlertTypes);
  }

  public TopologyHarness(Path stateDir, DetectionRules rules) {
    this(stateDir, rules, Set.of());
  }

  public TopologyHarness(Path stateDir, DetectionRules rules, Set<String> disabledAlertTypes) {
    this(stateDir, rules, disabledAlertTypes, StatefulConfig.defaults());
  }

  public TopologyHarness(Path stateDir, DetectionRules rules, StatefulConfig stateful) {
    this(stateDir, rules, Set.of(), stateful);
  }

  private TopologyHarness(
      Path stateDir, DetectionRules rules, Set<String> disabledAlertTypes, StatefulConfig stateful) {
    DetectionConfig config =
        DetectionConfig.defaults(registry)
            .withDisabledAlertTypes(disabledAlertTypes)
            .withRules(rules)
            .withStateful(stateful);
    driver =
        new TopologyTestDriver(
            DetectionTopology.build(config),
            DetectionApp.streamsProperties("unused:9092", stateDir),
            START);
    raw =
        driver.createInputTopic(
            Topics.AUDIT_RAW.name(),
            Topics.AUDIT_RAW.keySerde().serializer(),
            Topics.AUDIT_RAW.valueSerde().serializer());
    findings =
        driver.createOutputTopic(
            Topics.FINDINGS.name(),
            Topics.FINDINGS.keySerde().deserializer(),
            Topics.FINDINGS.valueSerde().deserializer());
    dlq =
        driver.createOutputTopic(
            Topics.AUDIT_DLQ.name(),
            Topics.AUDIT_DLQ.keySerde().deserializer(),
            Topics.AUDIT_DLQ.valueSerde().deserializer());
    rawBytes =
        driver.createInputTopic(
            Topics.AUDIT_RAW.name(), new ByteArraySerializer(), new ByteArraySerializer());
    dlqBytes =
        driver.createOutputTopic(
            Topics.AUDIT_DLQ.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  public static Headers gatewayHeaders(long receivedMs) {
    Headers headers = new RecordHeaders();
    headers.add(VigilHeaders.CLUSTER, CLUSTER.getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.WORKSPACE, WORKSPACE.getBytes(StandardCharsets.UTF_8));
    headers.add(
        VigilHeaders.RECEIVED_MS, Long.toString(receivedMs).getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  /** Sends an event as the gateway does: key workspace/cluster/user, the three gateway headers, one second later than the last. */
  public void send(String json) {
    send(keyOf(json), json.getBytes(StandardCharsets.UTF_8), null);
  }

  public void send(String key, byte[] value, Headers headers) {
    clock = clock.plusSeconds(1);
    Headers h = headers == null ? gatewayHeaders(clock.toEpochMilli()) : headers;
    raw.pipeInput(new TestRecord<>(key, value, h, clock));
  }

  /** Sends a record whose key is any bytes, with the gateway's headers. */
  public void sendBytes(byte[] key, byte[] value) {
    clock = clock.plusSeconds(1);
    rawBytes.pipeInput(new TestRecord<>(key, value, gatewayHeaders(clock.toEpochMilli()), clock));
  }

  /** Sends an event as the gateway would have received it at {@code at} (record time and header). */
  public void sendAt(Instant at, String json) {
    clock = at;
    raw.pipeInput(
        new TestRecord<>(
            keyOf(json), json.getBytes(StandardCharsets.UTF_8), gatewayHeaders(at.toEpochMilli()), at));
  }

  public Instant clock() {
    return clock;
  }

  public void advance(Duration by) {
    clock = clock.plus(by);
  }

  /** Advances the wall clock, for the stateful detectors' punctuators. */
  public void advanceWallClock(Duration by) {
    driver.advanceWallClockTime(by);
  }

  public List<TestRecord<String, Finding>> findings() {
    return findings.readRecordsToList();
  }

  public List<TestRecord<String, byte[]>> dlq() {
    return dlq.readRecordsToList();
  }

  /** The DLQ with keys as bytes (it consumes what {@link #dlq} would read). */
  public List<TestRecord<byte[], byte[]>> dlqBytes() {
    return dlqBytes.readRecordsToList();
  }

  public double events(String result) {
    Counter counter =
        registry.find(DetectionMetrics.EVENTS).tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  public double findingsCounted(String type) {
    Counter counter = registry.find(DetectionMetrics.FINDINGS).tag("type", type).counter();
    return counter == null ? 0 : counter.count();
  }

  /** The shipped rules with the test overlay that switches on every opt-in alert type. */
  public static DetectionRules allTypesRules() {
    try (InputStream in = TopologyHarness.class.getResourceAsStream("/catalogue-test-rules.yaml")) {
      return DetectionRules.defaults()
          .overlay("catalogue-test-rules.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code fixtures} folder of the test classpath: {@code fixtures/<alertType>/fires-*.json}. */
  public static Path fixturesRoot() throws URISyntaxException {
    URL url = TopologyHarness.class.getClassLoader().getResource("fixtures");
    assertThat(url).as("fixtures folder on the test classpath").isNotNull();
    return Path.of(url.toURI());
  }

  /**
   * The {@code stateful-fixtures} folder of the test classpath: {@code
   * stateful-fixtures/<alertType>/fires-*.jsonl}, one event per line.
   */
  public static Path statefulFixturesRoot() throws URISyntaxException {
    URL url = TopologyHarness.class.getClassLoader().getResource("stateful-fixtures");
    assertThat(url).as("stateful-fixtures folder on the test classpath").isNotNull();
    return Path.of(url.toURI());
  }

  public static String keyOf(String json) {
    try {
      JsonNode node = Json.mapper().readTree(json);
      return WORKSPACE + "/" + CLUSTER + "/" + node.path("user").path("username").asText("unknown");
    } catch (IOException | RuntimeException e) {
      return WORKSPACE + "/" + CLUSTER + "/unknown";
    }
  }

  @Override
  public void close() {
    driver.close();
  }
}
