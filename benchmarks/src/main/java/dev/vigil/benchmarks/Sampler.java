package dev.vigil.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Samples the Vigil process every interval for the whole run — resident memory, heap, CPU, the
 * detection backlog and lag, and the metrics of each configured name prefix (RocksDB memory,
 * state-store sizes, lag; whatever the running version exports) — into a time-series CSV ({@code
 * --samples-csv}), and prints one line per sample. There is one pair of columns per prefix, not per
 * metric, so the columns are known before the first sample: store metrics appear only once the
 * Streams tasks run, and a metric Vigil does not export leaves its cells empty.
 */
final class Sampler implements Runnable {

  static final String FIXED_HEADER =
      "time,elapsed_s,phase,accepted_events,throttled,processed_events,processed_per_s,backlog_events,raw_lag_records,"
          + "vigil_cpu_cores,rss_mb,heap_used_mb,heap_committed_mb";

  private final Callable<ServerSample> scrape;
  private final Duration interval;
  private final Path csv;
  private final List<String> prefixes;
  private final Supplier<String> phase;
  private final LongSupplier accepted;
  private final LongSupplier throttled;
  private final long startMs = System.currentTimeMillis();
  private boolean headerWritten;
  private ServerSample previous;
  private volatile boolean stopped;

  Sampler(Callable<ServerSample> scrape, Duration interval, Path csv, List<String> prefixes,
      Supplier<String> phase, LongSupplier accepted, LongSupplier throttled) {
    this.scrape = scrape;
    this.interval = interval;
    this.csv = csv;
    this.prefixes = prefixes;
    this.phase = phase;
    this.accepted = accepted;
    this.throttled = throttled;
  }

  @Override
  public void run() {
    long next = System.nanoTime() + interval.toNanos();
    while (!stopped) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(Math.min(wait / 1_000_000 + 1, 500));
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      next += interval.toNanos();
      try {
        sample();
      } catch (Exception e) {
        System.err.println("sampler: " + e);
      }
    }
  }

  void stop() {
    stopped = true;
  }

  void sample() throws Exception {
    ServerSample now = scrape.call();
    Map<String, double[]> extra = now.byPrefix(prefixes);
    if (!headerWritten && csv != null) {
      Files.writeString(csv, header(prefixes) + "\n");
    }
    headerWritten = true;
    String row = row(now, previous, extra, prefixes, (now.atMs() - startMs) / 1000.0, phase.get(),
        accepted.getAsLong(), throttled.getAsLong());
    previous = now;
    if (csv != null) {
      try {
        Files.writeString(csv, row + "\n", StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    System.out.printf(Locale.ROOT,
        "  sample %s: backlog %,.0f events, Vigil RSS %,.0f MB, heap %,.0f MB, CPU %s cores%n",
        row.split(",")[1] + " s", now.backlogEvents(), now.rssBytes() / 1e6,
        now.heapUsedBytes() / 1e6, row.split(",")[9]);
  }

  static String header(List<String> prefixes) {
    StringBuilder h = new StringBuilder(FIXED_HEADER);
    for (String prefix : prefixes) {
      h.append(',').append(prefix).append(":sum,").append(prefix).append(":max");
    }
    return h.toString();
  }

  static String row(ServerSample now, ServerSample previous, Map<String, double[]> extra,
      List<String> prefixes, double elapsedSeconds, String phase, long accepted, long throttled) {
    double cpu = Double.NaN;
    double processedPerSecond = Double.NaN;
    if (previous != null && now.atMs() > previous.atMs()) {
      double seconds = (now.atMs() - previous.atMs()) / 1000.0;
      if (now.cpuNanos() >= 0 && previous.cpuNanos() >= 0) {
        cpu = (now.cpuNanos() - previous.cpuNanos()) / 1e9 / seconds;
      }
      processedPerSecond = (now.detectionEvents() - previous.detectionEvents()) / seconds;
    }
    StringBuilder row = new StringBuilder(String.format(Locale.ROOT,
        "%s,%.0f,%s,%d,%d,%.0f,%.0f,%.0f,%.0f,%.2f,%.0f,%.0f,%.0f",
        Instant.ofEpochMilli(now.atMs()), elapsedSeconds, phase, accepted, throttled,
        now.detectionEvents(), processedPerSecond, now.backlogEvents(), now.rawTopicLagRecords(), cpu,
        now.rssBytes() / 1e6,
        now.heapUsedBytes() / 1e6, now.heapCommittedBytes() / 1e6));
    for (String prefix : prefixes) {
      double[] sumMax = extra.get(prefix);
      if (sumMax == null) {
        row.append(",,");
      } else {
        row.append(String.format(Locale.ROOT, ",%.0f,%.0f", sumMax[0], sumMax[1]));
      }
    }
    return row.toString();
  }
}
