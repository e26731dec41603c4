package dev.vigil.benchmarks;

import dev.vigil.alerts.AlertsApp;
import dev.vigil.alerts.AlertsConfig;
import dev.vigil.alerts.AlertsTopology;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Alert dedup: findings through the whole alerts topology ({@code alert-dedup-v1} on RocksDB, the
 * status join, the global alert store, OCSF) in {@code TopologyTestDriver}. {@code repeatFinding}
 * sends findings of 100 fingerprints over and over (the common case: an existing alert's count
 * grows, published by the flush punctuator); {@code newAlert} sends a finding of a new fingerprint
 * each time. The driver commits — and so flushes RocksDB — after every record, so absolute figures
 * are far below a real {@code KafkaStreams}; read the ratio. Scores are findings per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AlertDedupBenchmark {

  static final int FINGERPRINTS = 100;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Finding> findings;
  private TestOutputTopic<String, Alert> alerts;
  private Finding[] repeated;
  private long sent;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    stateDir = Files.createTempDirectory("vigil-bench-alerts");
    driver =
        new TopologyTestDriver(
            AlertsTopology.build(AlertsConfig.defaults(new SimpleMeterRegistry())),
            AlertsApp.streamsProperties("localhost:9092", stateDir),
            T0);
    findings =
        driver.createInputTopic(
            Topics.FINDINGS.name(),
            Topics.FINDINGS.keySerde().serializer(),
            Topics.FINDINGS.valueSerde().serializer());
    alerts =
        driver.createOutputTopic(
            Topics.ALERTS.name(),
            Topics.ALERTS.keySerde().deserializer(),
            Topics.ALERTS.valueSerde().deserializer());
    repeated = new Finding[FINGERPRINTS];
    for (int i = 0; i < FINGERPRINTS; i++) {
      repeated[i] = finding("ns-" + i, T0);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    driver.close();
    try (Stream<Path> paths = Files.walk(stateDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Benchmark
  public void repeatFinding() {
    // Each finding stands for an event of its own: a repeated audit id is a redelivery, counted once.
    Finding f = repeated[(int) (sent % FINGERPRINTS)];
    send(new Finding(f.fingerprint(), f.alertType(), f.displayName(), f.description(), f.severity(),
        f.tactics(), f.techniques(), f.remediationSteps(), f.workspace(), f.cluster(),
        f.compromisedEntity(), f.entities(), f.startTime(), f.endTime(), f.count(),
        List.of("audit-" + sent), f.receivedMs(), f.extendedProperties()));
  }

  @Benchmark
  public void newAlert() {
    send(finding("new-" + sent, T0));
  }

  private void send(Finding f) {
    findings.pipeInput(f.fingerprint(), f, T0.plusMillis(sent));
    if (++sent % 1_000 == 0) {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
      alerts.readRecordsToList();
    }
  }

  /** Alerts published so far (drained), for the test. */
  List<Alert> drain() {
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    return alerts.readValuesToList();
  }

  static Finding finding(String namespace, Instant time) {
    String entity = namespace + "/pods/web";
    return new Finding(
        Fingerprints.alertFingerprint("default", "bench", "K8S_PrivilegedContainer", entity),
        "K8S_PrivilegedContainer",
        "Privileged container detected",
        "User alice created a privileged container in namespace " + namespace,
        Severity.Medium,
        List.of("PrivilegeEscalation"),
        List.of("T1611"),
        List.of("Remove privileged: true from the pod spec"),
        "default",
        "bench",
        entity,
        List.of(Entity.of("user", "alice"), Entity.of("namespace", namespace)),
        time,
        time,
        1,
        List.of("audit-" + namespace),
        time.toEpochMilli(),
        Map.of("verb", "create"));
  }
}
