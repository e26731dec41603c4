package dev.vigil.detection.backtest;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.stateful.StatefulRule;
import dev.vigil.detection.streams.DetectionApp;
import dev.vigil.detection.streams.DetectionTopology;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A backtest: the real detection topology (single-event detectors, Sigma rules, stateful
 * detectors) run over recorded raw audit records in a {@link TopologyTestDriver}, a throwaway
 * in-memory run that writes to no Kafka topic and no store of the live application.
 *
 * <p>Records are replayed as they happened: the driver's wall clock follows their timestamps (when
 * the gateway wrote them), so windows report, sweeps run and the backfill horizon applies as they
 * did live. Records received before {@code reportFrom} only feed state (a warm-up, for example for
 * the baselines' learning period); findings count from it on, by the receive time of their events.
 * Rules in shadow mode are evaluated as if live, so their would-be findings count in full.
 */
public final class Backtest implements AutoCloseable {

  /** How far the wall clock runs on after the last record, so that open windows report. */
  static final Duration DRAIN = Duration.ofMinutes(2);

  private final Path stateDir;
  private final Properties props;
  private final Topology topology;
  private final long reportFromMs;
  private final Map<String, Boolean> ran = new TreeMap<>();
  private final FindingTally tally = new FindingTally();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> raw;
  private TestOutputTopic<String, Finding> findings;
  private long wallMs;
  private long records;

  private Backtest(DetectionConfig config, DetectorCatalogue catalogue, Instant reportFrom)
      throws IOException {
    this.reportFromMs = reportFrom.toEpochMilli();
    this.stateDir = Files.createTempDirectory("vigil-backtest-");
    this.props = DetectionApp.streamsProperties("backtest.invalid:9092", stateDir);
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    DetectorCatalogue asLive = DetectorCatalogue.of(
        catalogue.all().stream().map(d -> d.shadow() ? AsLive.of(d) : d).toList());
    DetectionTopology.addTo(builder, config, asLive);
    this.topology = builder.build(props);
    for (Detector detector : catalogue.all()) {
      ran.put(detector.info().alertType(), detector.shadow());
    }
    for (StatefulRule rule : DetectorCatalogue.builtIn(config).statefulRules()) {
      ran.put(rule.info().alertType(), false);
    }
  }

  /**
   * Starts a backtest of {@code catalogue} (its single-event detectors and Sigma rules) and the
   * stateful detectors of {@code config}.
   *
   * @param reportFrom findings of events received from this instant on are reported
   */
  public static Backtest start(DetectionConfig config, DetectorCatalogue catalogue, Instant reportFrom) {
    try {
      return new Backtest(config, catalogue, reportFrom);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary state folder for the backtest", e);
    }
  }

  /** Replays one raw record as read from {@code vigil.audit.raw.v1}. */
  public void accept(String key, byte[] value, Headers headers, long timestampMs) {
    if (driver == null) {
      // The wall clock starts at the first record and only moves forward.
      driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(timestampMs));
      wallMs = timestampMs;
      Topic<String, byte[]> rawTopic = Topics.AUDIT_RAW;
      Topic<String, Finding> findingsTopic = Topics.FINDINGS;
      raw = driver.createInputTopic(rawTopic.name(), rawTopic.keySerde().serializer(),
          rawTopic.valueSerde().serializer());
      findings = driver.createOutputTopic(findingsTopic.name(),
          findingsTopic.keySerde().deserializer(), findingsTopic.valueSerde().deserializer());
    } else if (timestampMs > wallMs) {
      driver.advanceWallClockTime(Duration.ofMillis(timestampMs - wallMs));
      wallMs = timestampMs;
    }
    raw.pipeInput(new TestRecord<>(key, value, headers, Instant.ofEpochMilli(timestampMs)));
    records++;
    if (records % 1_000 == 0) {
      collect();
    }
  }

  /**
   * Lets open windows report, and returns what every rule would have raised beside what {@code
   * live} (the live findings of the same window) counts.
   */
  public BacktestReport finish(FindingTally live) {
    if (driver != null) {
      driver.advanceWallClockTime(DRAIN);
      collect();
    }
    return BacktestReport.of(records, ran, tally, live);
  }

  private void collect() {
    for (Finding finding : findings.readValuesToList()) {
      if (finding.receivedMs() >= reportFromMs) {
        tally.add(finding);
      }
    }
  }

  @Override
  public void close() {
    try {
      if (driver != null) {
        driver.close();
      }
    } finally {
      try (Stream<Path> paths = Files.walk(stateDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A temporary folder left behind is harmless.
      }
    }
  }
}
