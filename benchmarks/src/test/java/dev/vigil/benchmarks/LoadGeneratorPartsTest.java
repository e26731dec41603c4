package dev.vigil.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.app.JvmOptions;
import dev.vigil.app.settings.VigilDefaults;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGeneratorPartsTest {

  @Test
  void aBatchIsAGzipEventListOfValidEventsWithTheRequestedShareOfCorpusEvents() throws IOException {
    List<String> corpus = BenchmarkCorpus.events();
    EventMix mix = new EventMix(corpus, 0.25, 7);
    List<String> events = mix.batch(LoadGenerator.BATCH, Instant.parse("2026-01-01T00:00:00Z"));
    assertEquals(LoadGenerator.BATCH, events.size());
    List<String> corpusWithoutIds =
        corpus.stream().map(line -> EventMix.withAuditId(line, "x")).toList();
    long fromCorpus =
        events.stream().filter(e -> corpusWithoutIds.contains(EventMix.withAuditId(e, "x"))).count();
    assertTrue(fromCorpus > 60 && fromCorpus < 140, "corpus events: " + fromCorpus);
    for (String event : events) {
      AuditEvent parsed = Json.mapper().readValue(event, AuditEvent.class);
      assertTrue(parsed.auditID() != null && parsed.username() != null, event);
    }
    byte[] body = EventMix.gzipEventList(events);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      var list = Json.mapper().readTree(in);
      assertEquals("EventList", list.get("kind").textValue());
      assertEquals(LoadGenerator.BATCH, list.get("items").size());
    }
  }

  @Test
  void aMarkerIsTheTestAlertRequestInANamespaceOfItsOwn() throws IOException {
    AuditEvent marker =
        Json.mapper().readValue(EventMix.marker("17-ab", Instant.now()), AuditEvent.class);
    assertEquals("list", marker.verb());
    assertEquals("pods", marker.resource());
    assertEquals(EventMix.MARKER_PREFIX + "17-ab", marker.namespace());
    assertTrue(marker.namespace().startsWith("asc-alerttest-"));
  }

  @Test
  void percentilesAreNearestRank() {
    Percentiles p =
        Percentiles.of(List.of(5L, 1L, 4L, 2L, 3L, 6L, 7L, 8L, 9L, 100L));
    assertEquals(5, p.p50());
    assertEquals(100, p.p99());
    assertEquals(100, p.max());
    assertEquals(10, p.samples());
    assertTrue(Double.isNaN(Percentiles.of(List.of()).p99()));
  }

  @Test
  void theChildVigilStartsAsTheLauncherStartsVigilUpWithTheRunsOwnJvmOptionsLast(@TempDir Path dir) {
    List<String> plain = LoadGenerator.ChildVigil.command(dir, "127.0.0.1:9092",
        LoadGenerator.Options.parse(new String[] {"--workload", "storm"}));
    List<String> launcher = JvmOptions.launcherOptions(new VigilDefaults(Map.of(), null), "", "up");
    assertEquals(launcher, plain.subList(1, 1 + launcher.size()));
    assertTrue(plain.contains("-XX:+UseParallelGC") && plain.stream().anyMatch(o -> o.startsWith("-Xmx")), plain::toString);
    assertEquals("dev.vigil.app.Vigil", plain.get(plain.indexOf("up") - 1));

    List<String> g1 = LoadGenerator.ChildVigil.command(dir, "127.0.0.1:9092", LoadGenerator.Options.parse(
        new String[] {"--vigil-jvm-option", "-XX:+UseG1GC", "--vigil-jvm-option", "-Xmx1g"}));
    assertTrue(!g1.contains("-XX:+UseParallelGC") && g1.contains("-XX:+UseG1GC"), g1::toString);
    assertTrue(g1.lastIndexOf("-Xmx1g") > g1.indexOf(launcher.get(1)), "a run's own -Xmx comes later and wins: " + g1);
  }

  @Test
  void optionsAreBoundedAndARemoteRunNeedsItsCredentials() {
    LoadGenerator.Options options =
        LoadGenerator.Options.parse(new String[] {"--rate", "1000,0", "--duration", "15s"});
    assertEquals(List.of(1000, 0), options.rates());
    assertEquals(Duration.ofSeconds(15), options.duration());
    assertEquals(Workload.ORDINARY, options.workload());
    assertEquals(Duration.ofHours(2),
        LoadGenerator.Options.parse(new String[] {"--duration", "2h"}).duration());
    // A bare 0 leaves a ceiling out, as the usage says (it did not parse before round 11).
    LoadGenerator.Options noCeilings = LoadGenerator.Options.parse(
        new String[] {"--ceiling-sustained", "0", "--ceiling-passthrough", "0", "--warmup", "0s"});
    assertEquals(Duration.ZERO, noCeilings.ceilingSustained());
    assertEquals(Duration.ZERO, noCeilings.ceilingPassThrough());
    assertEquals(Duration.ZERO, noCeilings.warmup());
    assertEquals(Duration.ofSeconds(20), options.ceilingPassThrough());
    assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.Options.parse(new String[] {"--ceiling-passthrough", "11m"}));
    assertEquals("the generator JVM used 1.80 cores = 18.0 µs per record",
        new MeasuredRate(100_000, 1.8).cpuText());
    assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.Options.parse(new String[] {"--duration", "25h"}));
    assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.Options.parse(new String[] {"--warmup", "11m"}));
    assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.Options.parse(new String[] {"--workload", "stampede"}));
    assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.Options.parse(new String[] {"--url", "https://10.0.0.1:8443",
            "--token-file", "t", "--ca-file", "c", "--kafka-bootstrap", "127.0.0.1:9092"}));
    assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.Options.parse(new String[] {"--workload", "noisy-neighbour", "--url",
            "https://127.0.0.1:8443", "--token-file", "t", "--ca-file", "c",
            "--kafka-bootstrap", "127.0.0.1:9092"}));
    assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.Options.parse(new String[] {"--url", "https://127.0.0.1:8443"}));
    assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.Options.parse(new String[] {"--rates", "5"}));
  }

  @Test
  void theChartIsAPngOfTheCsvRowsAndReadsOlderCsvs(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("load.csv");
    // The format before workloads: the chart reads columns by name.
    Files.writeString(csv, "date,offered,accepted_per_s,processed_per_s,drain_s,markers_sent,"
        + "markers_alerted,duplicates,send_p50_ms,send_p99_ms,send_max_ms,receipt_p50_ms,"
        + "receipt_p99_ms,vigil_cpu_cores,load_avg\n"
        + "2026-11-26,10000,9900,9000,4.0,10,10,0,800,2500,2600,1000,2500,1.10,3.5\n"
        + "2026-11-26,5000,4950,4950,1.0,10,10,0,300,900,950,250,1000,0.80,3.0\n");
    List<LatencyChart.Point> points = LatencyChart.read(csv);
    assertEquals(2, points.size());
    assertEquals(4950, points.get(0).x());
    assertEquals(2500, points.get(1).p99());
    Path png = dir.resolve("latency.png");
    ImageIO.write(LatencyChart.draw(LatencyChart.latencyChart(points, "t", "x", 2_000, "target")),
        "png", png.toFile());
    assertEquals(900, ImageIO.read(png.toFile()).getWidth());
  }
}
