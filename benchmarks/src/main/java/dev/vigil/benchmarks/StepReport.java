package dev.vigil.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one step (one offered rate for one duration) gave, and how it is printed and written as a CSV
 * row ({@code --csv}). The raw Kafka ceiling is measured after the last step, so its column is
 * filled in afterwards ({@link #fillCeiling}).
 */
record StepReport(
    Workload workload,
    int offeredRate,
    double seconds,
    long acceptedEvents,
    long refusedRequests,
    Map<String, Long> throttledByCluster,
    double acceptedPerSecond,
    double processedPerSecond,
    double drainSeconds,
    double backlogEvents,
    double rawLagRecords,
    long markersSent,
    long markersAlerted,
    long markerDuplicates,
    Percentiles fromSend,
    Percentiles fromReceipt,
    long quietSent,
    Percentiles quiet,
    long quietCountMismatches,
    double vigilCpuCores,
    double generatorJvmCpuCores,
    double rssMb,
    double heapUsedMb,
    double loadAverage) {

  static final String CSV_HEADER =
      "date,workload,offered,accepted_per_s,throttled,throttled_by_cluster,refused_requests,"
          + "processed_per_s,drain_s,backlog_events,raw_lag_records,markers_sent,markers_alerted,duplicates,"
          + "send_p50_ms,send_p99_ms,send_max_ms,receipt_p50_ms,receipt_p99_ms,"
          + "quiet_sent,quiet_alerted,quiet_p50_ms,quiet_p99_ms,quiet_max_ms,"
          + "vigil_cpu_cores,generator_jvm_cpu_cores,rss_mb,heap_used_mb,load_avg,ceiling_per_s,"
          + "ceiling_sustained_per_s,ceiling_passthrough_per_s";

  long throttled() {
    return throttledByCluster.values().stream().mapToLong(Long::longValue).sum();
  }

  /** {@code name=count;name=count}, clusters in name order. */
  String throttledCell() {
    return throttledByCluster.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(";"));
  }

  /** One CSV row, its three ceiling cells empty. */
  String csvRow(LocalDate date) {
    return String.format(Locale.ROOT,
        "%s,%s,%d,%.0f,%d,%s,%d,%.0f,%.1f,%.0f,%.0f,%d,%d,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%d,%d,%.0f,%.0f,%.0f,"
            + "%.2f,%.2f,%.0f,%.0f,%.1f,,,",
        date, workload.label, offeredRate, acceptedPerSecond, throttled(), throttledCell(),
        refusedRequests, processedPerSecond, drainSeconds, backlogEvents, rawLagRecords, markersSent,
        markersAlerted, markerDuplicates, fromSend.p50(), fromSend.p99(), fromSend.max(),
        fromReceipt.p50(), fromReceipt.p99(), quietSent, quiet.samples(), quiet.p50(), quiet.p99(),
        quiet.max(), vigilCpuCores, generatorJvmCpuCores, rssMb, heapUsedMb, loadAverage);
  }

  String console() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "[%s] offered %s: accepted %,.0f events/s (%,d events), throttled %,d (%s), %d refused requests;"
            + " processed %,.0f events/s; at the end of sending a backlog of %,.0f events (raw-topic"
            + " consumer lag %,.0f records), drained in %.1f s",
        workload.label,
        offeredRate <= 0 ? "flat out" : String.format(Locale.ROOT, "%,d events/s", offeredRate),
        acceptedPerSecond, acceptedEvents, throttled(),
        throttledByCluster.isEmpty() ? "-" : throttledCell(), refusedRequests, processedPerSecond,
        backlogEvents, rawLagRecords, drainSeconds));
    s.append(String.format(Locale.ROOT,
        "%n  markers %d sent, %d alerted, %d duplicates; from send p50 %.0f ms p99 %.0f ms max %.0f ms;"
            + " from gateway receipt (server histogram, bucket upper bounds) p50 <= %.0f ms p99 <= %.0f ms"
            + " (%d alerts)",
        markersSent, markersAlerted, markerDuplicates, fromSend.p50(), fromSend.p99(), fromSend.max(),
        fromReceipt.p50(), fromReceipt.p99(), fromReceipt.samples()));
    if (workload == Workload.NOISY_NEIGHBOUR) {
      s.append(String.format(Locale.ROOT,
          "%n  quiet cluster: %d test requests sent, %d alerted; latency send -> alert on the stream"
              + " p50 %.0f ms p99 %.0f ms max %.0f ms",
          quietSent, quiet.samples(), quiet.p50(), quiet.p99(), quiet.max()));
    }
    s.append(String.format(Locale.ROOT,
        "%n  Vigil CPU %.2f cores (generator JVM %.2f), RSS %,.0f MB, heap used %,.0f MB;"
            + " load average %.1f",
        vigilCpuCores, generatorJvmCpuCores, rssMb, heapUsedMb, loadAverage));
    if (markersAlerted != markersSent || markerDuplicates != 0) {
      s.append("\n  MARKER CHECK FAILED: every accepted marker must raise exactly one alert");
    }
    if (workload == Workload.NOISY_NEIGHBOUR && (quiet.samples() != quietSent || quietCountMismatches != 0)) {
      s.append(String.format(Locale.ROOT,
          "%n  QUIET CHECK FAILED: %d of %d test requests seen on the stream, %d alert updates whose"
              + " count did not match the requests they showed", quiet.samples(), quietSent,
          quietCountMismatches));
    }
    return s.toString();
  }

  /** Appends the row; a file with another header (an older format) is refused, not mixed. */
  static void append(Path csv, String row) throws IOException {
    if (!Files.exists(csv) || Files.size(csv) == 0) {
      Files.writeString(csv, CSV_HEADER + "\n");
    } else {
      String header = Files.readAllLines(csv).get(0);
      if (!header.equals(CSV_HEADER)) {
        throw new IllegalStateException(csv + " has another header (an older format): use a new file");
      }
    }
    Files.writeString(csv, row + "\n", StandardOpenOption.APPEND);
  }

  /**
   * Fills the three empty ceiling cells (burst, sustained, pass-through) of the last {@code rows}
   * rows; a ceiling that was not measured (NaN) stays empty.
   */
  static void fillCeiling(
      Path csv, int rows, double perSecond, double sustainedPerSecond, double passThroughPerSecond)
      throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(csv));
    String cells = cell(perSecond) + "," + cell(sustainedPerSecond) + "," + cell(passThroughPerSecond);
    for (int i = Math.max(1, lines.size() - rows); i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.endsWith(",,,")) {
        lines.set(i, line.substring(0, line.length() - 2) + cells);
      }
    }
    Files.write(csv, lines);
  }

  private static String cell(double value) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.0f", value);
  }
}
