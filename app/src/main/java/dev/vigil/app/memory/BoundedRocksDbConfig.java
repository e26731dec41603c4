package dev.vigil.app.memory;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

/**
 * Bounds the memory of every RocksDB store, as Kafka Streams' memory-management guide describes: each
 * store uses the process's one block cache and write buffer manager ({@link RocksDbMemory}, passed in
 * the Streams properties under {@value MemoryBudget#ROCKSDB_MEMORY_CONFIG}), keeps its index and filter
 * blocks in that cache (pinned for level 0 and the top level) and has small, few memtables. Kafka
 * Streams' default would give every store of every partition its own 50 MiB cache and three 16 MiB
 * memtables.
 *
 * <p>Registered with {@code rocksdb.config.setter}; Kafka Streams creates one per store, so the shared
 * objects are never closed here.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
  /** Two memtables per store: one being written, one being flushed. */
  static final int MEMTABLES_PER_STORE = 2;

  public BoundedRocksDbConfig() {}

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object shared = configs.get(MemoryBudget.ROCKSDB_MEMORY_CONFIG);
    if (!(shared instanceof RocksDbMemory memory)) {
      throw new IllegalStateException(BoundedRocksDbConfig.class.getSimpleName() + " needs the process's "
          + "RocksDbMemory in the Streams property " + MemoryBudget.ROCKSDB_MEMORY_CONFIG + " (store " + storeName + ")");
    }
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(memory.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinL0FilterAndIndexBlocksInCache(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(memory.writeBufferManager());
    options.setWriteBufferSize(memory.writeBufferBytes());
    options.setMaxWriteBufferNumber(MEMTABLES_PER_STORE);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write buffer manager are shared by every store: the process closes them.
  }
}
