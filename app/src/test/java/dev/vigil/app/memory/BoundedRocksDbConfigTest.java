package dev.vigil.app.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.app.Role;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

class BoundedRocksDbConfigTest {
  private static final long MIB = MemoryBudget.MIB;
  private static final String STORE = "principals-v1";

  @TempDir Path dir;

  /** A topology that remembers every key in a RocksDB store. */
  private static Topology remembering() {
    Topology topology = new Topology();
    topology.addSource("events", Serdes.String().deserializer(), Serdes.String().deserializer(), "events");
    topology.addProcessor("remember", () -> new Processor<String, String, Void, Void>() {
      private KeyValueStore<String, String> store;

      @Override
      public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(STORE);
      }

      @Override
      public void process(Record<String, String> record) {
        store.put(record.key(), record.value());
      }
    }, "events");
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
        Serdes.String(), Serdes.String()), "remember");
    return topology;
  }

  private Properties props(String application, RocksDbMemory memory) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(application).toString());
    MemoryBudget.of(1024 * MIB, Role.all()).applyTo(props, memory);
    return props;
  }

  private static void write(TopologyTestDriver driver, String prefix, int count) {
    TestInputTopic<String, String> events =
        driver.createInputTopic("events", new StringSerializer(), new StringSerializer());
    for (int i = 0; i < count; i++) {
      events.pipeInput(prefix + i, "system:serviceaccount:ns-" + i + ":builder-" + i);
    }
  }

  @Test
  void storesOfBothApplicationsUseTheOneSharedCache() {
    try (RocksDbMemory memory = new RocksDbMemory(64 * MIB, 16 * MIB, 4 * MIB)) {
      assertThat(memory.usageBytes()).isZero();
      try (TopologyTestDriver detection = new TopologyTestDriver(remembering(), props("detection", memory))) {
        write(detection, "a-", 2_000);
        long oneStore = memory.usageBytes();
        // the store's memtable is charged to the shared cache by the write buffer manager
        assertThat(oneStore).isPositive();
        try (TopologyTestDriver alerts = new TopologyTestDriver(remembering(), props("alerts", memory))) {
          write(alerts, "b-", 2_000);
          assertThat(memory.usageBytes()).isGreaterThan(oneStore);
        }
      }
      // a store closing leaves the shared cache to the others: a new one still opens with it
      try (TopologyTestDriver again = new TopologyTestDriver(remembering(), props("again", memory))) {
        write(again, "c-", 100);
        assertThat(memory.usageBytes()).isPositive().isLessThanOrEqualTo(memory.capacityBytes());
      }
    }
  }

  @Test
  void everyStoreKeepsIndexAndFilterBlocksInTheCacheAndSmallMemtables() {
    try (RocksDbMemory memory = new RocksDbMemory(64 * MIB, 16 * MIB, 4 * MIB);
        Options options = new Options()) {
      options.setTableFormatConfig(new BlockBasedTableConfig());
      new BoundedRocksDbConfig().setConfig(STORE, options, Map.of(MemoryBudget.ROCKSDB_MEMORY_CONFIG, memory));
      BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
      assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
      assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
      assertThat(table.pinL0FilterAndIndexBlocksInCache()).isTrue();
      assertThat(options.writeBufferSize()).isEqualTo(4 * MIB);
      assertThat(options.maxWriteBufferNumber()).isEqualTo(BoundedRocksDbConfig.MEMTABLES_PER_STORE);
    }
  }

  @Test
  void withoutTheSharedMemoryTheSetterSaysWhatIsMissing() {
    try (Options options = new Options()) {
      options.setTableFormatConfig(new BlockBasedTableConfig());
      assertThatThrownBy(() -> new BoundedRocksDbConfig().setConfig(STORE, options, Map.of()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(MemoryBudget.ROCKSDB_MEMORY_CONFIG)
          .hasMessageContaining(STORE);
    }
  }
}
