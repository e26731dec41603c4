package dev.vigil.app.memory;

import dev.vigil.app.Role;
import dev.vigil.app.StartupException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;

/**
 * How one process's memory budget ({@code --memory-budget}) is split. With B the budget and H the
 * heap:
 *
 * <pre>
 *   native  = 288 MiB + B/8     metaspace, code cache, thread stacks, GC structures, direct buffers (B/8 cap),
 *                               RocksDB's memory outside its cache and the allocator's overhead
 *   rocksdb = B/5               one LRU block cache for every store of both Streams applications;
 *                               memtables (rocksdb/4) and index and filter blocks are charged to it
 *                               (0 for a gateway alone: it has no state stores)
 *   heap    = B - native - rocksdb                                  -Xmx and -Xms
 *     per Streams application: statestore.cache.max.bytes = H/32
 *     every producer:          buffer.memory               = H/32
 *     every consumer:          fetch.max.bytes             = H/32, max.partition.fetch.bytes = min(1 MiB, H/32)
 *     embedded broker:         log.cleaner.dedupe.buffer.size = H/16
 * </pre>
 *
 * <p>At the default 1 GiB that is 416 MiB native, 204 MiB RocksDB (51 MiB of memtables) and a 404 MiB
 * heap. The native share was 192 MiB + B/8 and RocksDB's B/4 until a one-hour churn soak measured about
 * 380 MB outside heap and block cache (benchmarks/README.md, issue 23). The Kafka figures are defaults: a property given with {@code --kafka-property},
 * {@code --producer-property} or {@code --streams-property} wins.
 *
 * @param totalBytes the whole budget: what the process's resident memory should stay under
 * @param streams whether the process runs a Streams application (detect or alerts-api)
 */
public record MemoryBudget(long totalBytes, boolean streams) {
  public static final long MIB = 1024L * 1024;
  static final long MIN_BYTES = 512 * MIB;
  /** A role with state stores needs room for its RocksDB cache and a heap beside the native share. */
  static final long MIN_STREAMS_BYTES = 768 * MIB;

  /** The key under which the shared {@link RocksDbMemory} reaches {@link BoundedRocksDbConfig}. */
  static final String ROCKSDB_MEMORY_CONFIG = "vigil.rocksdb.memory";

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

  public MemoryBudget {
    if (totalBytes < (streams ? MIN_STREAMS_BYTES : MIN_BYTES)) {
      throw new StartupException("--memory-budget " + format(totalBytes) + " is too small: vigil gateway needs at least "
          + format(MIN_BYTES) + ", vigil up, detect and alerts-api at least " + format(MIN_STREAMS_BYTES)
          + "; give a larger budget such as --memory-budget 1g");
    }
  }

  public static MemoryBudget of(long totalBytes, Set<Role> roles) {
    return new MemoryBudget(totalBytes, roles.contains(Role.DETECT) || roles.contains(Role.ALERTS_API));
  }

  /**
   * Bytes of a size such as {@code 1g}, {@code 768m}, {@code 1.5GiB} or {@code 1073741824}: binary
   * units (k, m, g, t), case-insensitive.
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size: give a number of bytes with an optional"
          + " unit k, m or g, such as 1g or 768m");
    }
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes >= Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return (long) bytes;
  }

  /** A size in the unit that reads best: {@code 1 GiB}, {@code 768 MiB}, {@code 1.5 GiB}. */
  public static String format(long bytes) {
    if (bytes >= 1024 * MIB && bytes * 10 % (1024 * MIB) == 0) {
      return trim(bytes / (1024.0 * MIB)) + " GiB";
    }
    if (bytes >= MIB) {
      return trim(bytes / (double) MIB) + " MiB";
    }
    return bytes + " bytes";
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
  }

  /** Metaspace, code cache, thread stacks, GC structures and direct buffers: outside heap and RocksDB. */
  long nativeBytes() {
    return 288 * MIB + totalBytes / 8;
  }

  /** The block cache shared by every RocksDB store, memtables and index and filter blocks included. */
  long rocksDbBytes() {
    return streams ? roundDownToMib(totalBytes / 5) : 0;
  }

  /** The part of {@link #rocksDbBytes()} the write buffer manager lets memtables take. */
  long memtableBytes() {
    return rocksDbBytes() / 4;
  }

  /** One memtable of one store: small enough that every store's active memtable fits many times. */
  long writeBufferBytes() {
    return Math.max(MIB, Math.min(16 * MIB, memtableBytes() / 8));
  }

  /** The Java heap: {@code -Xmx} and {@code -Xms}. */
  public long heapBytes() {
    return roundDownToMib(totalBytes - nativeBytes() - rocksDbBytes());
  }

  /** {@code -XX:MaxDirectMemorySize}: NIO and Netty buffers, part of {@link #nativeBytes()}. */
  long directBytes() {
    return roundDownToMib(totalBytes / 8);
  }

  /** Kafka Streams' record cache of one application ({@code statestore.cache.max.bytes}). */
  long recordCacheBytes() {
    return heapBytes() / 32;
  }

  /** {@code buffer.memory} of every producer. */
  long producerBufferBytes() {
    return heapBytes() / 32;
  }

  /** {@code fetch.max.bytes} of every consumer. */
  long fetchMaxBytes() {
    return heapBytes() / 32;
  }

  /** {@code max.partition.fetch.bytes} of every consumer: Kafka's default of 1 MiB unless the fetch is smaller. */
  long partitionFetchBytes() {
    return Math.min(MIB, fetchMaxBytes());
  }

  /** The embedded broker's log-cleaner buffer ({@code log.cleaner.dedupe.buffer.size}, 128 MiB by default). */
  long brokerDedupeBufferBytes() {
    return heapBytes() / 16;
  }

  /** The JVM options the launcher starts a server with. */
  public List<String> jvmOptions() {
    long heapMib = heapBytes() / MIB;
    return List.of("-Xms" + heapMib + "m", "-Xmx" + heapMib + "m",
        "-XX:MaxDirectMemorySize=" + directBytes() / MIB + "m",
        // A thread that writes a large heap buffer to a socket would otherwise keep a direct copy of it.
        "-Djdk.nio.maxCachedBufferSize=262144");
  }

  /** Properties of every producer and consumer; an operator's own value of a key wins. */
  public Map<String, Object> clientDefaults() {
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put(ProducerConfig.BUFFER_MEMORY_CONFIG, producerBufferBytes());
    defaults.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, (int) fetchMaxBytes());
    defaults.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, (int) partitionFetchBytes());
    return defaults;
  }

  /**
   * Adds to a Streams application's properties the bounded RocksDB configuration sharing
   * {@code rocksDb}, the record cache and the client buffers, unless the operator set them.
   */
  public void applyTo(Properties props, RocksDbMemory rocksDb) {
    props.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName());
    props.put(ROCKSDB_MEMORY_CONFIG, rocksDb);
    props.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, recordCacheBytes());
    clientDefaults().forEach((key, value) -> {
      boolean prefixed = props.containsKey(StreamsConfig.producerPrefix(key))
          || props.containsKey(StreamsConfig.consumerPrefix(key))
          || props.containsKey(StreamsConfig.mainConsumerPrefix(key))
          || props.containsKey(StreamsConfig.restoreConsumerPrefix(key))
          || props.containsKey(StreamsConfig.globalConsumerPrefix(key));
      if (!prefixed) {
        props.putIfAbsent(key, value);
      }
    });
  }

  /** Properties of the embedded broker that {@code vigil up} starts in this JVM. */
  public Map<String, String> brokerOverrides() {
    return Map.of("log.cleaner.dedupe.buffer.size", Long.toString(brokerDedupeBufferBytes()));
  }

  /** One line for the start-up log. */
  public String describe() {
    return "memory budget " + format(totalBytes) + ": heap " + format(heapBytes()) + ", RocksDB "
        + format(rocksDbBytes()) + " (memtables " + format(memtableBytes()) + "), native " + format(nativeBytes());
  }

  private static long roundDownToMib(long bytes) {
    return bytes / MIB * MIB;
  }

  /** picocli's converter of {@code --memory-budget}, so a bad value is reported with its source. */
  public static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return parseSize(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
