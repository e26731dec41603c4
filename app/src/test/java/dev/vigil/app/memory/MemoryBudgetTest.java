package dev.vigil.app.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.app.Role;
import dev.vigil.app.StartupException;
import java.util.EnumSet;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  private static final long MIB = MemoryBudget.MIB;

  @Test
  void sizesAreReadInBinaryUnits() {
    assertThat(MemoryBudget.parseSize("1g")).isEqualTo(1024 * MIB);
    assertThat(MemoryBudget.parseSize("512m")).isEqualTo(512 * MIB);
    assertThat(MemoryBudget.parseSize("768M")).isEqualTo(768 * MIB);
    assertThat(MemoryBudget.parseSize("1.5GiB")).isEqualTo(1536 * MIB);
    assertThat(MemoryBudget.parseSize("2 GB")).isEqualTo(2048 * MIB);
    assertThat(MemoryBudget.parseSize("1048576k")).isEqualTo(1024 * MIB);
    assertThat(MemoryBudget.parseSize("1073741824")).isEqualTo(1024 * MIB);
  }

  @Test
  void aValueThatIsNoSizeIsRefusedWithAnExample() {
    for (String bad : new String[] {"", "lots", "1x", "-1g", "1g2", "g"}) {
      assertThatThrownBy(() -> MemoryBudget.parseSize(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a size")
          .hasMessageContaining("1g");
    }
  }

  @Test
  void theDefaultBudgetSplitsIntoHeapRocksDbAndNative() {
    MemoryBudget budget = MemoryBudget.of(1024 * MIB, Role.all());
    assertThat(budget.nativeBytes()).isEqualTo(416 * MIB);
    assertThat(budget.rocksDbBytes()).isEqualTo(204 * MIB);
    assertThat(budget.memtableBytes()).isEqualTo(51 * MIB);
    assertThat(budget.writeBufferBytes()).isEqualTo(51 * MIB / 8);
    assertThat(budget.heapBytes()).isEqualTo(404 * MIB);
    assertThat(budget.heapBytes() + budget.rocksDbBytes() + budget.nativeBytes()).isEqualTo(budget.totalBytes());
    assertThat(budget.directBytes()).isEqualTo(128 * MIB).isLessThan(budget.nativeBytes());
    assertThat(budget.recordCacheBytes()).isEqualTo(404 * MIB / 32);
    assertThat(budget.producerBufferBytes()).isEqualTo(404 * MIB / 32);
    assertThat(budget.fetchMaxBytes()).isEqualTo(404 * MIB / 32);
    assertThat(budget.partitionFetchBytes()).isEqualTo(MIB);
    assertThat(budget.brokerDedupeBufferBytes()).isEqualTo(404 * MIB / 16);
    assertThat(budget.jvmOptions()).containsExactly("-Xms404m", "-Xmx404m", "-XX:MaxDirectMemorySize=128m",
        "-Djdk.nio.maxCachedBufferSize=262144");
  }

  @Test
  void aGatewayAloneHasNoRocksDbShareAndAMoreHeap() {
    MemoryBudget gateway = MemoryBudget.of(1024 * MIB, EnumSet.of(Role.GATEWAY));
    assertThat(gateway.rocksDbBytes()).isZero();
    assertThat(gateway.heapBytes()).isEqualTo(608 * MIB);
    assertThat(MemoryBudget.of(1024 * MIB, EnumSet.of(Role.ALERTS_API)).rocksDbBytes())
        .isEqualTo(204 * MIB);
  }

  @Test
  void everyShareGrowsWithTheBudget() {
    MemoryBudget small = MemoryBudget.of(768 * MIB, Role.all());
    MemoryBudget large = MemoryBudget.of(4096 * MIB, Role.all());
    assertThat(small.heapBytes()).isEqualTo(231 * MIB);
    assertThat(small.rocksDbBytes()).isEqualTo(153 * MIB);
    assertThat(large.heapBytes()).isEqualTo(2477 * MIB);
    assertThat(large.rocksDbBytes()).isEqualTo(819 * MIB);
    assertThat(large.writeBufferBytes()).isEqualTo(16 * MIB);
  }

  @Test
  void aBudgetTooSmallIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> MemoryBudget.of(256 * MIB, Role.all()))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("--memory-budget 256 MiB is too small")
        .hasMessageContaining("512 MiB");
  }

  @Test
  void aRoleWithStateStoresNeedsRoomForRocksDbAndAHeap() {
    assertThat(MemoryBudget.of(512 * MIB, EnumSet.of(Role.GATEWAY)).heapBytes()).isEqualTo(160 * MIB);
    assertThatThrownBy(() -> MemoryBudget.of(512 * MIB, EnumSet.of(Role.DETECT)))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("--memory-budget 512 MiB is too small")
        .hasMessageContaining("detect and alerts-api at least 768 MiB");
  }

  @Test
  void theOperatorsKafkaPropertiesWinOverTheBudgetsDefaults() {
    MemoryBudget budget = MemoryBudget.of(1024 * MIB, Role.all());
    Properties props = new Properties();
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 1L);
    props.put(StreamsConfig.consumerPrefix("fetch.max.bytes"), 2);
    props.put("buffer.memory", 3L);
    try (RocksDbMemory rocksDb = RocksDbMemory.of(budget)) {
      budget.applyTo(props, rocksDb);
      assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
          .isEqualTo(BoundedRocksDbConfig.class.getName());
      assertThat(props.get(MemoryBudget.ROCKSDB_MEMORY_CONFIG)).isSameAs(rocksDb);
      assertThat(props.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo(1L);
      assertThat(props).doesNotContainKey("fetch.max.bytes");
      assertThat(props.get("buffer.memory")).isEqualTo(3L);
      assertThat(props.get("max.partition.fetch.bytes")).isEqualTo((int) MIB);
    }
    Properties defaults = new Properties();
    try (RocksDbMemory rocksDb = RocksDbMemory.of(budget)) {
      budget.applyTo(defaults, rocksDb);
    }
    assertThat(defaults.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo(404 * MIB / 32);
    assertThat(defaults.get("fetch.max.bytes")).isEqualTo((int) (404 * MIB / 32));
  }
}
