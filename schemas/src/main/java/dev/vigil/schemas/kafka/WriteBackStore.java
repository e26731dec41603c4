package dev.vigil.schemas.kafka;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A bounded cache of live objects in front of a changelogged key-value store, written back when
 * Kafka Streams commits.
 *
 * <p>Without it every event a stateful rule observes deserialises its principal's state from
 * RocksDB, serialises it again, writes it to RocksDB and sends it to the changelog. With it, an
 * event costs a hash lookup; each key changed since the last commit is serialised and written once,
 * in {@link #flushCache()}, which the task calls while preparing a commit — before the changelog
 * producer's transaction (exactly-once) or offset commit (at-least-once) — so what the committed
 * offsets have consumed is always in the changelog. A dirty entry pushed out by the size bound is
 * written at once, in the same transaction as the event that pushed it out.
 *
 * <p>Objects handed out by {@link #get} are the cached instances: a processor that changes one must
 * {@link #put} it back, as with any store. Range reads write the dirty entries first and then read
 * the underlying store. Single-threaded, like every store of a stream task.
 */
public final class WriteBackStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
    implements KeyValueStore<K, V> {

  /** One cached key: its value ({@code null} = known absent or deleted) and whether it is unwritten. */
  private static final class Entry<K, V> {
    final K key;
    V value;
    boolean dirty;

    Entry(K key, V value) {
      this.key = key;
      this.value = value;
    }
  }

  private final int capacity;
  private final LinkedHashMap<K, Entry<K, V>> entries;
  private final List<Entry<K, V>> dirty = new ArrayList<>();

  public WriteBackStore(KeyValueStore<K, V> inner, int capacity) {
    super(inner);
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, Entry<K, V>> eldest) {
            if (size() <= WriteBackStore.this.capacity) {
              return false;
            }
            writeBack(eldest.getValue());
            return true;
          }
        };
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    forget();
    super.init(context, root);
  }

  @Override
  public V get(K key) {
    Entry<K, V> entry = entries.get(key);
    if (entry == null) {
      entry = new Entry<>(key, wrapped().get(key));
      entries.put(key, entry);
    }
    return entry.value;
  }

  @Override
  public void put(K key, V value) {
    Entry<K, V> entry = entries.get(key);
    if (entry == null) {
      entry = new Entry<>(key, value);
      entries.put(key, entry);
    } else {
      entry.value = value;
    }
    if (!entry.dirty) {
      entry.dirty = true;
      dirty.add(entry);
    }
  }

  @Override
  public V putIfAbsent(K key, V value) {
    V previous = get(key);
    if (previous == null) {
      put(key, value);
    }
    return previous;
  }

  @Override
  public void putAll(List<KeyValue<K, V>> list) {
    for (KeyValue<K, V> entry : list) {
      put(entry.key, entry.value);
    }
  }

  @Override
  public V delete(K key) {
    V previous = get(key);
    put(key, null);
    return previous;
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    writeBackAll();
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<K, V> reverseRange(K from, K to) {
    writeBackAll();
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<K, V> all() {
    writeBackAll();
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<K, V> reverseAll() {
    writeBackAll();
    return wrapped().reverseAll();
  }

  @Override
  public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P>
      KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
    writeBackAll();
    return wrapped().prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    writeBackAll();
    return wrapped().approximateNumEntries();
  }

  /** Called by the task before every commit: what changed reaches the store and its changelog. */
  @Override
  public void flushCache() {
    writeBackAll();
    super.flushCache();
  }

  /** Called when the task's state is discarded (a dirty close): the cache must not outlive it. */
  @Override
  public void clearCache() {
    forget();
    super.clearCache();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    writeBackAll();
    super.commit(changelogOffsets);
  }

  @Override
  public void close() {
    forget();
    super.close();
  }

  /** Number of keys cached, for tests. */
  int cachedKeys() {
    return entries.size();
  }

  /** Number of keys changed since the last write-back, for tests. */
  int dirtyKeys() {
    int n = 0;
    for (Entry<K, V> entry : dirty) {
      if (entry.dirty) {
        n++;
      }
    }
    return n;
  }

  private void writeBackAll() {
    for (int i = 0; i < dirty.size(); i++) {
      writeBack(dirty.get(i));
    }
    dirty.clear();
  }

  private void writeBack(Entry<K, V> entry) {
    if (!entry.dirty) {
      return;
    }
    entry.dirty = false;
    if (entry.value == null) {
      wrapped().delete(entry.key);
    } else {
      wrapped().put(entry.key, entry.value);
    }
  }

  private void forget() {
    entries.clear();
    dirty.clear();
  }
}
