package dev.vigil.app.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.Role;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryMonitorTest {
  private static final long MIB = MemoryBudget.MIB;

  @Test
  void theBudgetTheCacheAndResidentMemoryAreExported() {
    MemoryBudget budget = MemoryBudget.of(1024 * MIB, Role.all());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (RocksDbMemory rocksDb = RocksDbMemory.of(budget);
        MemoryMonitor monitor = new MemoryMonitor(budget, rocksDb, registry)) {
      monitor.sample();
      String scrape = registry.scrape();
      assertThat(scrape).contains(
          "vigil_memory_budget_bytes{part=\"total\"} 1.073741824E9",
          "vigil_memory_budget_bytes{part=\"heap\"} 4.23624704E8",
          "vigil_memory_budget_bytes{part=\"rocksdb\"} 2.13909504E8",
          "vigil_rocksdb_block_cache_capacity_bytes 2.13909504E8",
          "vigil_rocksdb_block_cache_usage_bytes",
          "vigil_rocksdb_block_cache_pinned_bytes",
          "vigil_memory_heap_after_gc_bytes",
          "vigil_memory_heap_long_lived_bytes",
          "vigil_memory_rss_bytes");
      if (MemoryMonitor.readRss() > 0) {
        assertThat(scrape).doesNotContain("vigil_memory_rss_bytes -1");
      }
    }
  }

  @Test
  void residentMemoryIsReadFromProcStatus() {
    assertThat(MemoryMonitor.parseRss(List.of("Name:\tjava", "VmPeak:\t 9000 kB", "VmRSS:\t  694556 kB")))
        .isEqualTo(694556L * 1024);
    assertThat(MemoryMonitor.parseRss(List.of("Name:\tjava"))).isEqualTo(-1);
  }

  @Test
  void aWarningIsGivenOverNinetyPercentAndThenAtMostOnceInTenMinutes() {
    MemoryMonitor.Warning warning = new MemoryMonitor.Warning();
    long limit = 1000 * MIB;
    long minute = Duration.ofMinutes(1).toNanos();
    assertThat(warning.due(900 * MIB, limit, 0)).isFalse();
    assertThat(warning.due(-1, limit, 0)).isFalse();
    assertThat(warning.due(901 * MIB, limit, minute)).isTrue();
    assertThat(warning.due(990 * MIB, limit, 2 * minute)).isFalse();
    assertThat(warning.due(990 * MIB, limit, 10 * minute)).isFalse();
    assertThat(warning.due(990 * MIB, limit, 11 * minute)).isTrue();
  }

  @Test
  void theHeapWarningWatchesTheOldGenerationOnlyAfterACollectionThatCollectedIt() {
    // Parallel and serial collectors: a minor collection leaves the old generation's garbage in place.
    assertThat(MemoryMonitor.collectsOldGeneration("PS Scavenge", "end of minor GC")).isFalse();
    assertThat(MemoryMonitor.collectsOldGeneration("Copy", "end of minor GC")).isFalse();
    assertThat(MemoryMonitor.collectsOldGeneration("PS MarkSweep", "end of major GC")).isTrue();
    assertThat(MemoryMonitor.collectsOldGeneration("MarkSweepCompact", "end of major GC")).isTrue();
    // G1's young pauses include the mixed ones that reclaim old regions.
    assertThat(MemoryMonitor.collectsOldGeneration("G1 Young Generation", "end of minor GC")).isTrue();
    Map<String, MemoryUsage> after = Map.of("PS Old Gen", new MemoryUsage(0, 90 * MIB, 270 * MIB, 270 * MIB),
        "PS Eden Space", new MemoryUsage(0, 0, 100 * MIB, 100 * MIB));
    assertThat(MemoryMonitor.longLivedAfter("PS MarkSweep", "end of major GC", after, "PS Old Gen", 90 * MIB))
        .isEqualTo(90 * MIB);
    assertThat(MemoryMonitor.longLivedAfter("PS Scavenge", "end of minor GC", after, "PS Old Gen", 90 * MIB))
        .isEqualTo(-1);
    // ZGC and Shenandoah have no old generation: the heap after any collection is what stays live.
    assertThat(MemoryMonitor.longLivedAfter("ZGC Cycles", "end of GC cycle", Map.of(), null, 120 * MIB))
        .isEqualTo(120 * MIB);
    // This JVM's collector (-Dvigil.test.jvm may choose one without generations): an old pool exists
    // exactly when young ("Eden") does.
    boolean generational = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
        .anyMatch(pool -> pool.getName().contains("Eden"));
    assertThat(MemoryMonitor.oldGeneration().isPresent()).isEqualTo(generational);
    MemoryMonitor.oldGeneration().ifPresent(pool -> {
      assertThat(pool.getName()).containsAnyOf("Old Gen", "Tenured");
      assertThat(pool.getUsage().getMax()).isPositive();
    });
  }
}
