package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** A sorted in-memory alert store, for query and route tests only. */
final class InMemoryAlertStore implements ReadOnlyKeyValueStore<String, Alert> {
  private final ConcurrentSkipListMap<String, Alert> alerts = new ConcurrentSkipListMap<>();

  InMemoryAlertStore put(Alert alert) {
    alerts.put(alert.id(), alert);
    return this;
  }

  @Override
  public Alert get(String key) {
    return alerts.get(key);
  }

  @Override
  public KeyValueIterator<String, Alert> range(String from, String to) {
    return iterator(alerts.subMap(from, true, to, true));
  }

  @Override
  public KeyValueIterator<String, Alert> all() {
    return iterator(alerts);
  }

  @Override
  public long approximateNumEntries() {
    return alerts.size();
  }

  private static KeyValueIterator<String, Alert> iterator(NavigableMap<String, Alert> map) {
    Iterator<Map.Entry<String, Alert>> it = map.entrySet().iterator();
    return new KeyValueIterator<>() {
      private Map.Entry<String, Alert> peeked;

      @Override
      public boolean hasNext() {
        return peeked != null || it.hasNext();
      }

      @Override
      public KeyValue<String, Alert> next() {
        Map.Entry<String, Alert> e = peeked != null ? peeked : it.next();
        peeked = null;
        return KeyValue.pair(e.getKey(), e.getValue());
      }

      @Override
      public String peekNextKey() {
        if (peeked == null) {
          if (!it.hasNext()) {
            throw new NoSuchElementException();
          }
          peeked = it.next();
        }
        return peeked.getKey();
      }

      @Override
      public void close() {}
    };
  }
}
