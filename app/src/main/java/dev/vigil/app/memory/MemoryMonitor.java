package dev.vigil.app.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the process against its {@link MemoryBudget}: resident memory, heap after GC, the shared
 * RocksDB cache and the size of every state store, exported as {@code vigil_memory_*},
 * {@code vigil_rocksdb_*} and {@code vigil_state_store_*}, with a warning in the log (at most once per
 * {@link #WARN_EVERY} for each) when the old generation after its collection passes {@link
 * #WARN_SHARE} of its capacity, or the resident memory that share of the budget.
 *
 * <p>A scrape only reads numbers: one background thread samples every {@link #SAMPLE_EVERY}, since
 * reading RocksDB properties and {@code /proc} costs system calls that the event loop serving
 * {@code /metrics} should not make.
 */
public final class MemoryMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryMonitor.class);
  static final Duration SAMPLE_EVERY = Duration.ofSeconds(15);
  static final Duration WARN_EVERY = Duration.ofMinutes(10);
  static final double WARN_SHARE = 0.9;
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  /** The RocksDB properties Kafka Streams records per store (at recording level INFO), summed per store name. */
  private static final String STATE_GROUP = "stream-state-metrics";
  private static final String KEYS = "estimate-num-keys";
  private static final String SST_BYTES = "total-sst-files-size";
  private static final String MEMTABLE_BYTES = "size-all-mem-tables";

  private final MemoryBudget budget;
  private final RocksDbMemory rocksDb;
  private final MeterRegistry registry;
  private final LongSupplier nanoTime;
  private final Map<String, KafkaStreams> applications = new ConcurrentHashMap<>();
  private final AtomicLong rss = new AtomicLong(-1);
  private final AtomicLong heapAfterGc = new AtomicLong(-1);
  /** The old generation after the last collection that collected it; what the heap warning watches. */
  private final AtomicLong oldAfterGc = new AtomicLong(-1);
  private volatile long oldCapacity = -1;
  private final AtomicLong cacheUsage = new AtomicLong();
  private final AtomicLong cachePinned = new AtomicLong();
  private final Map<String, AtomicLong> memtables = new ConcurrentHashMap<>();
  private final Map<StoreKey, AtomicLong> storeKeys = new ConcurrentHashMap<>();
  private final Map<StoreKey, AtomicLong> storeSstBytes = new ConcurrentHashMap<>();
  private final Warning heapWarning = new Warning();
  private final Warning rssWarning = new Warning();
  private final List<Runnable> unsubscribe = new ArrayList<>();
  private ScheduledExecutorService sampler;

  private record StoreKey(String application, String store) {}

  public MemoryMonitor(MemoryBudget budget, RocksDbMemory rocksDb, MeterRegistry registry) {
    this(budget, rocksDb, registry, System::nanoTime);
  }

  MemoryMonitor(MemoryBudget budget, RocksDbMemory rocksDb, MeterRegistry registry, LongSupplier nanoTime) {
    this.budget = budget;
    this.rocksDb = rocksDb;
    this.registry = registry;
    this.nanoTime = nanoTime;
    budgetGauge("total", budget.totalBytes());
    budgetGauge("heap", budget.heapBytes());
    budgetGauge("rocksdb", budget.rocksDbBytes());
    budgetGauge("native", budget.nativeBytes());
    Gauge.builder("vigil.memory.rss", rss, AtomicLong::get).baseUnit(BaseUnits.BYTES)
        .description("Resident memory of the process (VmRSS; -1 where /proc is missing)").register(registry);
    Gauge.builder("vigil.memory.heap.after.gc", heapAfterGc, AtomicLong::get).baseUnit(BaseUnits.BYTES)
        .description("Java heap in use after the last garbage collection (-1 before the first)").register(registry);
    Gauge.builder("vigil.memory.heap.long.lived", oldAfterGc, AtomicLong::get).baseUnit(BaseUnits.BYTES)
        .description("The old generation after the last collection that collected it: a full one under the parallel "
            + "collector, any under G1; the whole heap under a collector without generations (-1 before the first); what the "
            + "heap warning watches").register(registry);
    if (rocksDb != null) {
      Gauge.builder("vigil.rocksdb.block.cache.usage", cacheUsage, AtomicLong::get).baseUnit(BaseUnits.BYTES)
          .description("The shared RocksDB block cache in use: data, index and filter blocks and the memtables charged to it")
          .register(registry);
      Gauge.builder("vigil.rocksdb.block.cache.pinned", cachePinned, AtomicLong::get).baseUnit(BaseUnits.BYTES)
          .description("Blocks of the shared RocksDB cache that eviction cannot free (in use or pinned)")
          .register(registry);
      Gauge.builder("vigil.rocksdb.block.cache.capacity", rocksDb, RocksDbMemory::capacityBytes)
          .baseUnit(BaseUnits.BYTES).description("Capacity of the shared RocksDB block cache").register(registry);
    }
  }

  private void budgetGauge(String part, long bytes) {
    Gauge.builder("vigil.memory.budget", () -> bytes).baseUnit(BaseUnits.BYTES).tag("part", part)
        .description("The memory budget (--memory-budget) and its split").register(registry);
  }

  /**
   * Adds a Streams application whose state stores are summed under {@code application}; call it
   * before {@code streams.start()}. Its stores are sampled again each time it (re)enters RUNNING: a
   * rebalance closes and reopens them, and their gauges should not wait for the next periodic sample.
   */
  public void watch(String application, KafkaStreams streams) {
    applications.put(application, streams);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        sampleSoon();
      }
    });
    memtables.computeIfAbsent(application, app -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder("vigil.rocksdb.memtable", value, AtomicLong::get).baseUnit(BaseUnits.BYTES)
          .tag("application", app).description("RocksDB memtables of every store of the application")
          .register(registry);
      return value;
    });
  }

  /** Starts sampling and listening to garbage collections. */
  public void start() {
    listenToGarbageCollections();
    sampler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "vigil-memory-monitor");
      thread.setDaemon(true);
      return thread;
    });
    sampler.scheduleWithFixedDelay(this::sampleQuietly, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Samples at once, off the caller's thread (when the Streams applications have their stores). */
  public void sampleSoon() {
    if (sampler != null && !sampler.isShutdown()) {
      sampler.execute(this::sampleQuietly);
    }
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      LOG.debug("Memory sample failed: {}", e.toString());
    }
  }

  /** Reads every figure once and warns when one is over its share. */
  public void sample() {
    rss.set(readRss());
    if (rocksDb != null) {
      cacheUsage.set(rocksDb.usageBytes());
      cachePinned.set(rocksDb.pinnedUsageBytes());
    }
    for (var app : applications.entrySet()) {
      sampleStores(app.getKey(), app.getValue());
    }
    check();
  }

  private void sampleStores(String application, KafkaStreams streams) {
    long memtable = 0;
    Map<StoreKey, Long> keys = new HashMap<>();
    Map<StoreKey, Long> sst = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
      MetricName name = entry.getKey();
      if (!STATE_GROUP.equals(name.group())) {
        continue;
      }
      String store = storeOf(name);
      if (store == null) {
        continue;
      }
      long value = longValue(entry.getValue());
      switch (name.name()) {
        case KEYS -> keys.merge(new StoreKey(application, store), value, Long::sum);
        case SST_BYTES -> sst.merge(new StoreKey(application, store), value, Long::sum);
        case MEMTABLE_BYTES -> memtable += value;
        default -> { }
      }
    }
    memtables.get(application).set(memtable);
    publish(application, keys, storeKeys, "vigil.state.store.keys", null,
        "Estimated keys in a state store, summed over its partitions on this instance");
    publish(application, sst, storeSstBytes, "vigil.state.store.sst", BaseUnits.BYTES,
        "SST files of a state store on disk, summed over its partitions on this instance");
  }

  /** Sets this sample's sums; a store no longer on this instance (its partitions moved) reads 0. */
  private void publish(String application, Map<StoreKey, Long> sample, Map<StoreKey, AtomicLong> gauges,
      String name, String unit, String description) {
    gauges.forEach((key, value) -> {
      if (key.application().equals(application) && !sample.containsKey(key)) {
        value.set(0);
      }
    });
    sample.forEach((key, value) -> gauges.computeIfAbsent(key, k -> {
      AtomicLong holder = new AtomicLong();
      Gauge.builder(name, holder, AtomicLong::get).baseUnit(unit).description(description)
          .tag("application", k.application()).tag("store", k.store()).register(registry);
      return holder;
    }).set(value));
  }

  /** The store a RocksDB metric belongs to: the value of its {@code rocksdb-*-state-id} tag. */
  private static String storeOf(MetricName name) {
    for (var tag : name.tags().entrySet()) {
      if (tag.getKey().startsWith("rocksdb-") && tag.getKey().endsWith("-state-id")) {
        return tag.getValue();
      }
    }
    return null;
  }

  private static long longValue(Metric metric) {
    Object value = metric.metricValue();
    return value instanceof Number number ? number.longValue() : 0;
  }

  private void check() {
    long now = nanoTime.getAsLong();
    long old = oldAfterGc.get();
    long capacity = oldCapacity;
    if (heapWarning.due(old, capacity, now)) {
      LOG.warn("Long-lived Java objects fill {} of the {} old generation after its collection ({}%; the heap share "
              + "of the memory budget is {}): Vigil may soon spend its time collecting or fail with OutOfMemoryError. "
              + "Raise --memory-budget, or check vigil_state_store_keys and the principals' churn",
          MemoryBudget.format(old), MemoryBudget.format(capacity), percent(old, capacity),
          MemoryBudget.format(budget.heapBytes()));
    }
    long resident = rss.get();
    if (rssWarning.due(resident, budget.totalBytes(), now)) {
      LOG.warn("Resident memory is {} of the {} memory budget ({}%): a container limit near the budget may "
              + "kill the process. Raise --memory-budget (and the limit with it), or see the README on sizing",
          MemoryBudget.format(resident), MemoryBudget.format(budget.totalBytes()),
          percent(resident, budget.totalBytes()));
    }
  }

  private static long percent(long part, long whole) {
    return Math.round(100.0 * part / whole);
  }

  /** A warning given at most once per {@link #WARN_EVERY}, when a figure passes {@link #WARN_SHARE} of its limit. */
  static final class Warning {
    private long lastNanos;
    private boolean warned;

    synchronized boolean due(long used, long limit, long nowNanos) {
      if (used < 0 || limit <= 0 || used <= WARN_SHARE * limit) {
        return false;
      }
      if (warned && nowNanos - lastNanos < WARN_EVERY.toNanos()) {
        return false;
      }
      warned = true;
      lastNanos = nowNanos;
      return true;
    }
  }

  /** VmRSS of {@code /proc/self/status} in bytes, or -1 where there is none (not Linux). */
  static long readRss() {
    try {
      return parseRss(Files.readAllLines(PROC_STATUS));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static long parseRss(List<String> statusLines) {
    for (String line : statusLines) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    return -1;
  }

  /**
   * Whether a collection leaves the old generation holding only what is live, so its size after the
   * collection is worth warning about. The parallel and serial collectors collect it only in a major
   * (full) collection; after a minor one it still holds whatever died since, up to its capacity. G1
   * reclaims old regions in its young pauses (mixed collections, after concurrent marking).
   */
  static boolean collectsOldGeneration(String gcName, String gcAction) {
    return gcAction.contains("major") || gcName.startsWith("G1");
  }

  /**
   * The long-lived heap after a collection, or -1 when this collection says nothing about it: the old
   * generation ({@code oldPool}) after a collection that collected it, or, under a collector without
   * generations (ZGC in Java 17, Shenandoah: {@code oldPool} null), the whole heap after any.
   */
  static long longLivedAfter(String gcName, String gcAction, Map<String, MemoryUsage> afterGc, String oldPool,
      long heapUsed) {
    if (oldPool == null) {
      return heapUsed;
    }
    MemoryUsage old = afterGc.get(oldPool);
    return old != null && collectsOldGeneration(gcName, gcAction) ? old.getUsed() : -1;
  }

  /** The heap pool that holds long-lived objects: "PS Old Gen", "G1 Old Gen", "Tenured Gen". */
  static Optional<MemoryPoolMXBean> oldGeneration() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP)
        .filter(pool -> pool.getName().contains("Old Gen") || pool.getName().contains("Tenured"))
        .findFirst();
  }

  private void listenToGarbageCollections() {
    Set<String> heapPools = new java.util.HashSet<>();
    ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP)
        .forEach(pool -> heapPools.add(pool.getName()));
    Optional<MemoryPoolMXBean> oldGeneration = oldGeneration();
    // Without an old generation the whole heap is what the warning watches, against the budget's heap.
    oldCapacity = oldGeneration.map(pool -> pool.getUsage().getMax()).orElse(budget.heapBytes());
    String oldPool = oldGeneration.map(MemoryPoolMXBean::getName).orElse(null);
    NotificationListener listener = (notification, handback) -> {
      if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
        return;
      }
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      long used = 0;
      for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(pool.getKey())) {
          used += pool.getValue().getUsed();
        }
      }
      heapAfterGc.set(used);
      long longLived = longLivedAfter(info.getGcName(), info.getGcAction(),
          info.getGcInfo().getMemoryUsageAfterGc(), oldPool, used);
      if (longLived >= 0) {
        oldAfterGc.set(longLived);
      }
    };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        unsubscribe.add(() -> {
          try {
            emitter.removeNotificationListener(listener);
          } catch (javax.management.ListenerNotFoundException e) {
            // already gone
          }
        });
      }
    }
  }

  /** Stops sampling; the process closes the RocksDB memory afterwards. */
  @Override
  public void close() {
    if (sampler != null) {
      sampler.shutdownNow();
      try {
        sampler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    unsubscribe.forEach(Runnable::run);
  }
}
