package dev.vigil.benchmarks;

import static dev.vigil.detection.streams.DetectionApp.APPLICATION_ID;

import dev.vigil.detection.stateful.StatefulConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Measures the stateful detectors' state for N principals (default 10,000): the bytes of every live
 * key and value per store as its serde writes them, read from the store's changelog (the latest
 * record per key), which is what the compacted changelog holds (RocksDB adds its own overhead and
 * compression on disk). Run: {@code java -cp benchmarks/target/benchmarks.jar dev.vigil.benchmarks.StateSize [N]}.
 *
 * <p>Each principal is a service account that does 20 distinct operations, reads secrets in 3
 * namespaces, and has 5 refused requests and 4 list calls inside the current minute (below the
 * thresholds, so they stay in the window stores).
 */
public final class StateSize {

  private static final List<String> STORES = List.of(
      "sa-operations-subjects-v2", "sa-operations-items-v2",
      "secret-access-subjects-v2", "secret-access-items-v2",
      "forbidden-burst-v2", "secret-enumeration-v2", "discovery-burst-v2", "rbac-then-workload-v2",
      "kube-system-containers-subjects-v2", "kube-system-containers-items-v2", "stage-dedup-v2");

  private StateSize() {}

  public static void main(String[] args) throws IOException {
    int principals = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path stateDir = Files.createTempDirectory("vigil-state-size");
    try (StatefulLoad load = new StatefulLoad(stateDir, StatefulConfig.defaults())) {
      int seq = 0;
      Instant t = StatefulLoad.T0;
      for (int p = 0; p < principals; p++) {
        String sa = StatefulLoad.serviceAccount(p);
        String ns = "team-" + (p % 50);
        long ms = t.toEpochMilli();
        for (int op = 0; op < 20; op++) {
          load.send(sa, StatefulLoad.event(seq++, sa, op % 2 == 0 ? "get" : "watch", "kind-" + op, ns, null,
              200, t), ms);
        }
        for (int n = 0; n < 3; n++) {
          load.send(sa, StatefulLoad.event(seq++, sa, "get", "secrets", "team-" + ((p + n) % 50), "s", 200, t),
              ms);
        }
        for (int f = 0; f < 5; f++) {
          load.send(sa, StatefulLoad.event(seq++, sa, "get", "nodes", null, null, 403, t.plusSeconds(f)), ms);
        }
        for (int l = 0; l < 4; l++) {
          load.send(sa, StatefulLoad.event(seq++, sa, "list", "type-" + l, ns, null, 200, t.plusSeconds(l)), ms);
        }
      }
      long total = 0;
      long totalDisk = 0;
      long totalMemory = 0;
      System.out.printf("%-36s %10s %14s %12s %14s %16s%n", "store", "entries", "bytes (k+v)", "per principal",
          "RocksDB disk", "RocksDB memory");
      for (String name : STORES) {
        long[] size = measure(load, name);
        long disk = diskBytes(load, stateDir, name);
        long memory = rocksDbMemoryBytes(load, name);
        total += size[1];
        totalDisk += disk;
        totalMemory += memory;
        System.out.printf("%-36s %10d %14d %12.1f %14d %16d%n", name, size[0], size[1],
            size[1] / (double) principals, disk, memory);
      }
      System.out.printf("%-36s %10s %14d %12.1f %14d %16d%n", "total (changelog after compaction)", "", total,
          total / (double) principals, totalDisk, totalMemory);
    } finally {
      try (Stream<Path> paths = Files.walk(stateDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /**
   * Bytes of the store's RocksDB files after a flush (its write-back cache and memtables written out):
   * what the store takes on disk. Window and session stores keep one RocksDB per segment; all count.
   */
  private static long diskBytes(StatefulLoad load, Path stateDir, String name) throws IOException {
    StateStore store = load.driver.getAllStateStores().get(name);
    if (store == null) {
      return 0;
    }
    store.flush();
    long bytes = 0;
    try (Stream<Path> paths = Files.walk(stateDir)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (Files.isRegularFile(path) && path.toString().contains("/" + name + "/")) {
          bytes += Files.size(path);
        }
      }
    }
    return bytes;
  }

  /**
   * The store's RocksDB memory by RocksDB's own accounting (memtables, table readers' index and
   * filter blocks, its block cache), from the metrics Kafka Streams exposes. The driver gives each
   * store RocksDB's per-store defaults; under Vigil's memory budget these are all charged to the one
   * shared block cache instead, so they are bounded by it and do not add up per store.
   */
  private static long rocksDbMemoryBytes(StatefulLoad load, String name) {
    Set<String> wanted = Set.of("size-all-mem-tables", "estimate-table-readers-mem", "block-cache-usage");
    long bytes = 0;
    for (Map.Entry<MetricName, ? extends Metric> metric : load.driver.metrics().entrySet()) {
      MetricName id = metric.getKey();
      if (wanted.contains(id.name()) && name.equals(id.tags().get("rocksdb-state-id"))
          && metric.getValue().metricValue() instanceof Number value) {
        bytes += value.longValue();
      }
    }
    return bytes;
  }

  /** Live entries and their key + value bytes: the latest record per key of the store's changelog. */
  private static long[] measure(StatefulLoad load, String name) {
    String changelog = APPLICATION_ID + "-" + name + "-changelog";
    if (!load.driver.producedTopicNames().contains(changelog)) {
      return new long[] {0, 0};
    }
    Map<ByteBuffer, Integer> live = new HashMap<>();
    TestOutputTopic<byte[], byte[]> records =
        load.driver.createOutputTopic(changelog, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    for (TestRecord<byte[], byte[]> record : records.readRecordsToList()) {
      ByteBuffer key = ByteBuffer.wrap(record.key());
      if (record.value() == null) {
        live.remove(key);
      } else {
        live.put(key, record.key().length + record.value().length);
      }
    }
    long bytes = 0;
    for (int size : live.values()) {
      bytes += size;
    }
    return new long[] {live.size(), bytes};
  }
}
