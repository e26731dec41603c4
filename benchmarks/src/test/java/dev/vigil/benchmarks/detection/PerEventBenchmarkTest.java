package dev.vigil.benchmarks.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.streams.DetectionTopology;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark's steps give, record by record, the single-event findings of the real topology. */
class PerEventBenchmarkTest {

  @TempDir java.nio.file.Path stateDir;

  @ParameterizedTest
  @ValueSource(strings = {"ordinary", "storm"})
  void countsTheMatchesTheDetectionTopologyForwards(String mix) {
    PerEventBenchmark benchmark = new PerEventBenchmark();
    benchmark.mix = mix;
    benchmark.setUp();
    DetectionConfig config = DetectionConfig.defaults(new SimpleMeterRegistry());
    Set<String> singleEventTypes = DetectorCatalogue.builtIn(config).alertTypes();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "per-event-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(DetectionTopology.build(config), props)) {
      TestInputTopic<String, byte[]> raw = driver.createInputTopic(
          Topics.AUDIT_RAW.name(), new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<String, Finding> findings = driver.createOutputTopic(
          Topics.FINDINGS.name(), new StringDeserializer(), Topics.FINDINGS.valueSerde().deserializer());
      int compared = 0;
      for (int i = 0; i < 300; i++) {
        byte[] bytes = benchmark.raw(i);
        raw.pipeInput(new TestRecord<>("bench/user", bytes, ParseBenchmark.headers(), (java.time.Instant) null));
        long single = findings.readValuesToList().stream()
            .filter(f -> singleEventTypes.contains(f.alertType()))
            .count();
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).contains("\"stage\":\"ResponseComplete\"")) {
          assertEquals(Math.max(0, benchmark.detect(bytes)), single, "record " + i);
          compared++;
        }
      }
      assertEquals(true, compared > 100, "compared " + compared);
    }
  }
}
