package dev.vigil.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadReportTest {

  private static final String METRICS = String.join("\n",
      "# HELP vigil_detection_events_total Audit records read by detection",
      "# TYPE vigil_detection_events_total counter",
      "vigil_detection_events_total{result=\"processed\"} 900.0",
      "vigil_detection_events_total{result=\"skipped_stage\"} 100.0",
      "vigil_ingest_events_total{result=\"accepted\"} 1500.0",
      "vigil_ingest_events_total{result=\"rejected\"} 7.0",
      "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.0E8",
      "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 5.0E7",
      "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 9.0E7",
      "jvm_memory_committed_bytes{area=\"heap\",id=\"G1 Old Gen\"} 2.0E8",
      "kafka_stream_state_block_cache_usage{store=\"a\"} 300.0",
      "kafka_stream_state_block_cache_usage{store=\"b\"} 300.0",
      "kafka_stream_state_estimate_num_keys{store=\"a\"} NaN",
      "rocksdb_whatever 5.0",
      "kafka_consumer_fetch_manager_records_lag{partition=\"0\",topic=\"vigil.audit.raw.v1\"} 40.0",
      "kafka_consumer_fetch_manager_records_lag{partition=\"0\",topic=\"vigil_audit_raw_v1\"} 40.0",
      "kafka_consumer_fetch_manager_records_lag{partition=\"1\",topic=\"vigil.audit.raw.v1\"} 2.0",
      "kafka_consumer_fetch_manager_records_lag{partition=\"0\",topic=\"vigil.findings.v1\"} 9.0",
      "") + "\n";

  @Test
  void aSampleReadsCountersHeapAndPrefixedMetricsTolerantly() {
    ServerSample s = ServerSample.of(1_000, METRICS, null);
    assertEquals(1_000, s.detectionEvents());
    assertEquals(1_500, s.ingestedEvents());
    assertEquals(500, s.backlogEvents());
    assertEquals(42, s.rawTopicLagRecords());
    assertEquals(1.5e8, s.heapUsedBytes());
    assertEquals(2.0e8, s.heapCommittedBytes());
    assertTrue(Double.isNaN(s.rssBytes()), "no process and no process_resident_memory_bytes");
    assertEquals(-1, s.cpuNanos());
    Map<String, double[]> extra = s.byPrefix(
        List.of("kafka_stream_state_block_cache_usage", "kafka_stream_state_", "rocksdb", "vigil_gone"));
    assertEquals(List.of("kafka_stream_state_", "kafka_stream_state_block_cache_usage", "rocksdb"),
        List.copyOf(extra.keySet()));
    assertEquals(600, extra.get("kafka_stream_state_block_cache_usage")[0]);
    assertEquals(300, extra.get("kafka_stream_state_block_cache_usage")[1]);
    assertEquals(600, extra.get("kafka_stream_state_")[0], "NaN series are left out");
    assertEquals(5, extra.get("rocksdb")[0]);
    assertTrue(Double.isNaN(ServerSample.of(0, "", null).heapUsedBytes()));
  }

  @Test
  void residentMemoryIsVmRssOfProcStatus() {
    assertEquals(2048 * 1024, ServerSample.rssFromStatus(List.of("Name:\tjava", "VmRSS:\t    2048 kB")));
    assertTrue(Double.isNaN(ServerSample.rssFromStatus(List.of("Name:\tjava"))));
    double own = ServerSample.procRssBytes(ProcessHandle.current().pid());
    assertTrue(Double.isNaN(own) || own > 10e6, "this JVM's RSS " + own);
  }

  @Test
  void aSamplesRowHasOneCellPerHeaderColumnAndRatesBetweenSamplesAndAnEmptyPairForAMissingPrefix() {
    ServerSample before = new ServerSample(10_000, ServerSample.parsePrometheus(METRICS), 1_000_000_000L, 4e8);
    String later = METRICS.replace("900.0", "2900.0");
    ServerSample after = new ServerSample(20_000, ServerSample.parsePrometheus(later), 6_000_000_000L, 5e8);
    List<String> prefixes = List.of("kafka_stream_state_block_cache_usage", "kafka_stream_state_gone");
    String header = Sampler.header(prefixes);
    String row = Sampler.row(after, before, after.byPrefix(prefixes), prefixes, 20, "churn 1700",
        12_345, 3);
    String[] cells = row.split(",", -1);
    assertEquals(header.split(",").length, cells.length);
    List<String> names = List.of(header.split(","));
    assertEquals("churn 1700", cells[names.indexOf("phase")]);
    assertEquals("200", cells[names.indexOf("processed_per_s")]);
    assertEquals("0.50", cells[names.indexOf("vigil_cpu_cores")]);
    assertEquals("500", cells[names.indexOf("rss_mb")]);
    assertEquals("42", cells[names.indexOf("raw_lag_records")]);
    assertEquals("150", cells[names.indexOf("heap_used_mb")]);
    assertEquals("600", cells[names.indexOf("kafka_stream_state_block_cache_usage:sum")]);
    assertEquals("", cells[names.indexOf("kafka_stream_state_gone:max")]);
  }

  private static StepReport report(Workload workload, int offered, double quietP99) {
    return new StepReport(workload, offered, 20, 200_000, 0, Map.of("quiet-1", 0L, "flood-1", 42L),
        10_000, 9_500, 1.5, 2_000, 1_800, 10, 10, 0, new Percentiles(300, 900, 950, 10),
        new Percentiles(250, 1_000, 1_000, 30), 10, new Percentiles(400, quietP99, quietP99, 10), 0,
        1.2, 0.7, 900, 300, 3.5);
  }

  @Test
  void aStepRowMatchesTheHeaderAndTheCeilingIsFilledInAfterwards(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("load.csv");
    StepReport r = report(Workload.NOISY_NEIGHBOUR, 10_000, 4_000);
    assertEquals(42, r.throttled());
    assertEquals("flood-1=42;quiet-1=0", r.throttledCell());
    StepReport.append(csv, r.csvRow(LocalDate.parse("2026-12-05")));
    StepReport.append(csv, report(Workload.NOISY_NEIGHBOUR, 0, 9_000).csvRow(LocalDate.parse("2026-12-05")));
    StepReport.fillCeiling(csv, 2, 123_456.4, 98_765.4, 45_678.9);
    List<String> lines = Files.readAllLines(csv);
    assertEquals(StepReport.CSV_HEADER, lines.get(0));
    int columns = StepReport.CSV_HEADER.split(",").length;
    for (String line : lines.subList(1, 3)) {
      String[] cells = line.split(",", -1);
      assertEquals(columns, cells.length, line);
      assertEquals("123456", cells[columns - 3]);
      assertEquals("98765", cells[columns - 2]);
      assertEquals("45679", cells[columns - 1]);
      assertEquals("noisy-neighbour", cells[1]);
      List<String> names = List.of(StepReport.CSV_HEADER.split(","));
      assertEquals("1.20", cells[names.indexOf("vigil_cpu_cores")]);
      assertEquals("0.70", cells[names.indexOf("generator_jvm_cpu_cores")]);
    }
    assertTrue(r.console().contains("Vigil CPU 1.20 cores (generator JVM 0.70)"), r.console());
    assertTrue(r.console().contains("quiet cluster: 10 test requests sent, 10 alerted"), r.console());
    assertTrue(!r.console().contains("CHECK FAILED"), r.console());

    Path old = dir.resolve("old.csv");
    Files.writeString(old, "date,offered,accepted_per_s\n2026-11-26,5000,4950\n");
    assertThrows(IllegalStateException.class, () -> StepReport.append(old, r.csvRow(LocalDate.now())));
  }

  @Test
  void theQuietChartPlotsNoisyNeighbourStepsAgainstOfferedLoadAndFlatOutAtItsAcceptedRate(
      @TempDir Path dir) throws IOException {
    Path csv = dir.resolve("load.csv");
    StepReport.append(csv, report(Workload.NOISY_NEIGHBOUR, 20_000, 4_000).csvRow(LocalDate.now()));
    StepReport.append(csv, report(Workload.NOISY_NEIGHBOUR, 0, 9_000).csvRow(LocalDate.now()));
    StepReport.append(csv, report(Workload.ORDINARY, 5_000, 100).csvRow(LocalDate.now()));
    List<LatencyChart.Point> points = LatencyChart.readQuiet(csv);
    assertEquals(List.of(new LatencyChart.Point(10_000, 400, 9_000, 9_000),
        new LatencyChart.Point(20_000, 400, 4_000, 4_000)), points);
    Path png = dir.resolve("quiet.png");
    ImageIO.write(LatencyChart.draw(LatencyChart.latencyChart(points, "t", "x", 5_000, "p99 target 5 s")),
        "png", png.toFile());
    assertEquals(520, ImageIO.read(png.toFile()).getHeight());
  }

  @Test
  void theMemoryChartPlotsRssAndHeapOverTime(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("samples.csv");
    ServerSample s = new ServerSample(0, ServerSample.parsePrometheus(METRICS), 0, 7e8);
    Files.writeString(csv, Sampler.header(List.of()) + "\n"
        + Sampler.row(s, null, Map.of(), List.of(), 60, "churn", 0, 0) + "\n"
        + Sampler.row(s, null, Map.of(), List.of(), 120, "churn", 0, 0) + "\n");
    LatencyChart.Chart chart = LatencyChart.memoryChart(csv);
    assertEquals(List.of("RSS", "heap committed", "heap used"),
        chart.series().stream().map(LatencyChart.Series::label).toList());
    assertEquals(2.0, chart.series().get(0).xy().get(1)[0]);
    assertEquals(700, chart.series().get(0).xy().get(1)[1]);
    ImageIO.write(LatencyChart.draw(chart), "png", dir.resolve("memory.png").toFile());
  }
}
