package dev.vigil.detection.sigma;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.streams.DetectionApp;
import dev.vigil.detection.streams.DetectionTopology;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The real detection topology running a (swappable) catalogue, in a {@link TopologyTestDriver}. */
final class SigmaHarness implements AutoCloseable {

  static final Instant START = Instant.parse("2024-05-01T10:00:00Z");

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> raw;
  private final TestOutputTopic<String, Finding> findings;
  private final TestOutputTopic<String, byte[]> dlq;
  private final TestOutputTopic<String, Finding> shadow;
  private Instant clock = START;

  SigmaHarness(Path stateDir, Supplier<DetectorCatalogue> catalogue) {
    StreamsBuilder builder = new StreamsBuilder();
    DetectionTopology.addTo(builder, DetectionConfig.defaults(registry), catalogue);
    driver = new TopologyTestDriver(
        builder.build(), DetectionApp.streamsProperties("unused:9092", stateDir), START);
    raw = driver.createInputTopic(Topics.AUDIT_RAW.name(),
        Topics.AUDIT_RAW.keySerde().serializer(), Topics.AUDIT_RAW.valueSerde().serializer());
    findings = driver.createOutputTopic(Topics.FINDINGS.name(),
        Topics.FINDINGS.keySerde().deserializer(), Topics.FINDINGS.valueSerde().deserializer());
    shadow = driver.createOutputTopic(Topics.FINDINGS_SHADOW.name(),
        Topics.FINDINGS_SHADOW.keySerde().deserializer(),
        Topics.FINDINGS_SHADOW.valueSerde().deserializer());
    dlq = driver.createOutputTopic(Topics.AUDIT_DLQ.name(),
        Topics.AUDIT_DLQ.keySerde().deserializer(), Topics.AUDIT_DLQ.valueSerde().deserializer());
  }

  /** Sends one audit event as the gateway would, one second after the previous one. */
  void send(String json) {
    clock = clock.plusSeconds(1);
    Headers headers = new RecordHeaders();
    headers.add(VigilHeaders.CLUSTER, "prod-eu-1".getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.WORKSPACE, "default".getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.RECEIVED_MS,
        Long.toString(clock.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
    raw.pipeInput(new TestRecord<>("prod-eu-1/user", json.getBytes(StandardCharsets.UTF_8), headers, clock));
  }

  List<Finding> findings() {
    return findings.readValuesToList();
  }

  List<Finding> shadowFindings() {
    return shadow.readValuesToList();
  }

  List<TestRecord<String, byte[]>> dlq() {
    return dlq.readRecordsToList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
