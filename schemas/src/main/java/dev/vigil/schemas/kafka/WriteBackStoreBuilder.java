package dev.vigil.schemas.kafka;

import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds a {@link WriteBackStore} around the store of another builder (named, persistent,
 * changelogged as that builder says); the topology sees the inner builder's name and changelog.
 */
public final class WriteBackStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {

  private final StoreBuilder<KeyValueStore<K, V>> inner;
  private final int capacity;

  public WriteBackStoreBuilder(StoreBuilder<KeyValueStore<K, V>> inner, int capacity) {
    this.inner = inner;
    this.capacity = capacity;
  }

  @Override
  public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
    inner.withCachingEnabled();
    return this;
  }

  @Override
  public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
    inner.withCachingDisabled();
    return this;
  }

  @Override
  public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
    inner.withLoggingEnabled(config);
    return this;
  }

  @Override
  public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
    inner.withLoggingDisabled();
    return this;
  }

  @Override
  public KeyValueStore<K, V> build() {
    return new WriteBackStore<>(inner.build(), capacity);
  }

  @Override
  public Map<String, String> logConfig() {
    return inner.logConfig();
  }

  @Override
  public boolean loggingEnabled() {
    return inner.loggingEnabled();
  }

  @Override
  public String name() {
    return inner.name();
  }
}
