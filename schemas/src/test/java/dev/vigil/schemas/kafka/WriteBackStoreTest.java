package dev.vigil.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class WriteBackStoreTest {

  private static WriteBackStore<String, Long> store(int capacity) {
    KeyValueStore<String, Long> inner =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.Long())
            .withLoggingDisabled()
            .build();
    WriteBackStore<String, Long> store = new WriteBackStore<>(inner, capacity);
    store.init(new MockProcessorContext<String, Long>().getStateStoreContext(), store);
    return store;
  }

  @Test
  void repeatedPutsOfOneKeyReachTheStoreOnceAtTheCommit() {
    WriteBackStore<String, Long> store = store(10);
    for (long i = 1; i <= 100; i++) {
      store.put("alice", i);
    }
    assertThat(store.get("alice")).isEqualTo(100L);
    assertThat(store.wrapped().get("alice")).as("nothing written before the commit").isNull();
    assertThat(store.dirtyKeys()).isEqualTo(1);

    store.flushCache();

    assertThat(store.wrapped().get("alice")).isEqualTo(100L);
    assertThat(store.dirtyKeys()).isZero();
  }

  @Test
  void aDirtyKeyPushedOutByTheBoundIsWrittenAtOnce() {
    WriteBackStore<String, Long> store = store(2);
    store.put("a", 1L);
    store.put("b", 2L);
    store.put("c", 3L); // pushes out "a", the least recently used
    assertThat(store.cachedKeys()).isEqualTo(2);
    assertThat(store.wrapped().get("a")).isEqualTo(1L);
    assertThat(store.wrapped().get("b")).isNull();
    assertThat(store.get("a")).as("read back from the store").isEqualTo(1L);
  }

  @Test
  void deletesAreWrittenBackAndRangeReadsSeeUnwrittenChanges() {
    WriteBackStore<String, Long> store = store(10);
    store.wrapped().put("gone", 1L);
    store.put("new", 2L);
    assertThat(store.delete("gone")).isEqualTo(1L);
    assertThat(store.get("gone")).isNull();
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = store.all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    assertThat(keys).containsExactly("new");
    assertThat(store.wrapped().get("gone")).isNull();
  }

  @Test
  void clearingTheCacheForgetsWhatWasNotWritten() {
    WriteBackStore<String, Long> store = store(10);
    store.put("kept", 1L);
    store.flushCache();
    store.put("kept", 2L);
    store.put("lost", 3L);

    store.clearCache(); // what a dirty close does: the task restores from the changelog instead

    assertThat(store.get("kept")).isEqualTo(1L);
    assertThat(store.get("lost")).isNull();
  }

  /** Whatever the operations and the bound, reads and the written-back store agree with a plain map. */
  @Property(tries = 200)
  void behavesLikeAMapWrittenBackOnFlush(
      @ForAll("operations") List<Tuple3<Integer, String, Long>> operations,
      @ForAll("capacities") int capacity) {
    WriteBackStore<String, Long> store = store(capacity);
    Map<String, Long> model = new HashMap<>();
    for (Tuple3<Integer, String, Long> op : operations) {
      String key = op.get2();
      switch (op.get1()) {
        case 0 -> {
          store.put(key, op.get3());
          model.put(key, op.get3());
        }
        case 1 -> assertThat(store.delete(key)).isEqualTo(model.remove(key));
        case 2 -> assertThat(store.get(key)).isEqualTo(model.get(key));
        case 3 -> store.flushCache();
        default -> assertThat(store.putIfAbsent(key, op.get3()))
            .isEqualTo(model.putIfAbsent(key, op.get3()));
      }
    }
    store.flushCache();
    Map<String, Long> written = new HashMap<>();
    try (KeyValueIterator<String, Long> it = store.wrapped().all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        written.put(kv.key, kv.value);
      }
    }
    assertThat(written).isEqualTo(model);
  }

  @Provide
  Arbitrary<List<Tuple3<Integer, String, Long>>> operations() {
    Arbitrary<Integer> kinds = Arbitraries.integers().between(0, 4);
    Arbitrary<String> keys = Arbitraries.of("a", "b", "c", "d", "e", "f", "g");
    Arbitrary<Long> values = Arbitraries.longs().between(0, 1_000);
    return net.jqwik.api.Combinators.combine(kinds, keys, values).as(Tuple::of).list().ofMaxSize(60);
  }

  @Provide
  Arbitrary<Integer> capacities() {
    return Arbitraries.integers().between(1, 8);
  }
}
