package dev.vigil.benchmarks;

import dev.vigil.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One look at the Vigil process: its Prometheus {@code /metrics} and, when the process runs on this
 * machine, its CPU time and resident memory from the operating system. Metric names are read
 * tolerantly: a metric that is not exported reads as 0 (counters) or NaN (gauges).
 *
 * @param atMs wall clock of the look
 * @param metrics every sample line, series (name with labels) to value; equal series are summed
 * @param cpuNanos CPU time of the process so far; -1 when unknown
 * @param rssBytes resident memory; NaN when unknown
 */
record ServerSample(long atMs, Map<String, Double> metrics, long cpuNanos, double rssBytes) {

  /** Audit records read by detection, every result; Prometheus name of {@code vigil.detection.events}. */
  static final String DETECTION_EVENTS = "vigil_detection_events_total";
  /** Events the gateways accepted (label {@code result="accepted"}). */
  static final String INGEST_EVENTS = "vigil_ingest_events_total";

  static ServerSample of(long atMs, String prometheusText, ProcessHandle process) {
    Map<String, Double> metrics = parsePrometheus(prometheusText);
    long cpu = -1;
    double rss = Double.NaN;
    if (process != null) {
      cpu = process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
      rss = procRssBytes(process.pid());
    } else {
      double ns = sum(metrics, "process_cpu_time_ns_total");
      cpu = ns > 0 ? (long) ns : -1;
      double resident = sum(metrics, "process_resident_memory_bytes");
      rss = resident > 0 ? resident : Double.NaN;
    }
    return new ServerSample(atMs, metrics, cpu, rss);
  }

  static Map<String, Double> parsePrometheus(String text) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      try {
        samples.merge(line.substring(0, space), Double.parseDouble(line.substring(space + 1)),
            Double::sum);
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        // not a sample line
      }
    }
    return samples;
  }

  /** The sum of every series of {@code metric}. */
  static double sum(Map<String, Double> samples, String metric) {
    return sumWhere(samples, metric, "");
  }

  /** The sum of the series of {@code metric} whose labels contain {@code labelFragment}. */
  static double sumWhere(Map<String, Double> samples, String metric, String labelFragment) {
    double total = 0;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      String name = e.getKey();
      boolean series = name.equals(metric) || name.startsWith(metric + "{");
      if (series && name.contains(labelFragment) && !e.getValue().isNaN()) {
        total += e.getValue();
      }
    }
    return total;
  }

  double detectionEvents() {
    return sum(metrics, DETECTION_EVENTS);
  }

  double ingestedEvents() {
    return sumWhere(metrics, INGEST_EVENTS, "result=\"accepted\"");
  }

  /** Accepted by the gateway but not yet read by detection (both counters of one process). */
  double backlogEvents() {
    return Math.max(0, ingestedEvents() - detectionEvents());
  }

  /**
   * Detection's consumer lag on the raw topic, in records, as its consumers last saw it (Kafka
   * registers each series twice, with the topic's dots and with underscores: the dotted one counts).
   */
  double rawTopicLagRecords() {
    return sumWhere(metrics, "kafka_consumer_fetch_manager_records_lag",
        "topic=\"" + Topics.AUDIT_RAW.name() + "\"");
  }

  double heapUsedBytes() {
    return gauge("jvm_memory_used_bytes", "area=\"heap\"");
  }

  double heapCommittedBytes() {
    return gauge("jvm_memory_committed_bytes", "area=\"heap\"");
  }

  private double gauge(String metric, String labels) {
    double v = sumWhere(metrics, metric, labels);
    return v > 0 ? v : Double.NaN;
  }

  /**
   * For each of {@code prefixes} that some metric name starts with: the sum and the largest of every
   * series of every such metric (stores sharing one block cache each report the shared cache, so
   * read the max there).
   */
  Map<String, double[]> byPrefix(List<String> prefixes) {
    Map<String, double[]> found = new TreeMap<>();
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      int brace = e.getKey().indexOf('{');
      String name = brace < 0 ? e.getKey() : e.getKey().substring(0, brace);
      double v = e.getValue();
      if (Double.isNaN(v)) {
        continue;
      }
      for (String prefix : prefixes) {
        if (name.startsWith(prefix)) {
          double[] sumMax = found.computeIfAbsent(prefix, k -> new double[] {0, Double.NEGATIVE_INFINITY});
          sumMax[0] += v;
          sumMax[1] = Math.max(sumMax[1], v);
        }
      }
    }
    return found;
  }

  /** {@code VmRSS} of {@code /proc/<pid>/status} in bytes; NaN off Linux or when the process is gone. */
  static double procRssBytes(long pid) {
    try {
      return rssFromStatus(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static double rssFromStatus(List<String> statusLines) {
    for (String line : statusLines) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return Double.parseDouble(parts[0]) * 1024;
      }
    }
    return Double.NaN;
  }
}
