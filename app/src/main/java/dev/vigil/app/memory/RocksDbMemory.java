package dev.vigil.app.memory;

import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * The one block cache and write buffer manager that every RocksDB store of this process shares, across
 * both Streams applications ({@link BoundedRocksDbConfig}). Memtables are charged to the cache, as are
 * index and filter blocks, so {@link #capacityBytes()} bounds RocksDB's memory but for pinned blocks
 * and the allocator's own overhead. The process closes it after its Streams applications: a store that
 * closes must not, since the others still use it.
 */
public final class RocksDbMemory implements AutoCloseable {
  /** Share of the cache kept for index and filter blocks (the high-priority pool). */
  private static final double INDEX_AND_FILTER_RATIO = 0.1;

  static {
    RocksDB.loadLibrary();
  }

  private final long capacityBytes;
  private final long memtableBytes;
  private final long writeBufferBytes;
  private final Cache cache;
  private final WriteBufferManager writeBufferManager;

  RocksDbMemory(long capacityBytes, long memtableBytes, long writeBufferBytes) {
    this.capacityBytes = capacityBytes;
    this.memtableBytes = memtableBytes;
    this.writeBufferBytes = writeBufferBytes;
    this.cache = new LRUCache(capacityBytes, -1, false, INDEX_AND_FILTER_RATIO);
    this.writeBufferManager = new WriteBufferManager(memtableBytes, cache);
  }

  public static RocksDbMemory of(MemoryBudget budget) {
    return new RocksDbMemory(budget.rocksDbBytes(), budget.memtableBytes(), budget.writeBufferBytes());
  }

  Cache cache() {
    return cache;
  }

  WriteBufferManager writeBufferManager() {
    return writeBufferManager;
  }

  long capacityBytes() {
    return capacityBytes;
  }

  long memtableBytes() {
    return memtableBytes;
  }

  long writeBufferBytes() {
    return writeBufferBytes;
  }

  /** Bytes in the cache now: data, index and filter blocks, and the memtables charged to it. */
  synchronized long usageBytes() {
    return cache.isOwningHandle() ? cache.getUsage() : 0;
  }

  /** Bytes of blocks in use by readers or pinned (index and filter blocks of level 0), which eviction cannot free. */
  synchronized long pinnedUsageBytes() {
    return cache.isOwningHandle() ? cache.getPinnedUsage() : 0;
  }

  /**
   * Releases this handle on the cache and the write buffer manager. RocksDB counts references, so a
   * store still open keeps them alive until it closes.
   */
  @Override
  public synchronized void close() {
    writeBufferManager.close();
    cache.close();
  }
}
