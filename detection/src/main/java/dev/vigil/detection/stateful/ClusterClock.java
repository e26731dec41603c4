package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Detection's clock per cluster: the earliest event time seen of each {@code workspace/cluster},
 * where the baselines' learning period starts. Raw events are spread over partitions by principal,
 * so no one task sees a whole cluster: every task reports an earlier time than the clock knows to
 * {@link Topics#CLUSTER_CLOCK}, and every task reads the minimum back from the global store
 * {@value #STORE} (kept by {@link KeepEarliest}, which also runs when the store is restored).
 *
 * <pre>
 * staged ─▶ cluster-clock-report-v1 ─▶ cluster-clock-sink-v1 ─▶ vigil.cluster-clock.v1
 * vigil.cluster-clock.v1 ─▶ cluster-clock-source-v1 ─▶ [cluster-clock-v1] (global, in memory)
 * </pre>
 */
final class ClusterClock {

  static final String STORE = "cluster-clock-v1";
  static final String SOURCE = "cluster-clock-source-v1";
  static final String REPORT = "cluster-clock-report-v1";
  static final String SINK = "cluster-clock-sink-v1";
  /** Clusters remembered per task; past it the memory starts over (the global store is the truth). */
  private static final int MAX_CLUSTERS = 10_000;

  private final Map<String, Long> earliest = new HashMap<>();
  private KeyValueStore<String, Long> global;

  /** Adds the global store and the reporting processor. */
  static void addTo(StreamsBuilder builder, KStream<String, AuditRecord> staged) {
    Topic<String, Long> topic = Topics.CLUSTER_CLOCK;
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.Long())
            .withLoggingDisabled(),
        topic.name(),
        Consumed.with(topic.keySerde(), topic.valueSerde()).withName(SOURCE),
        KeepEarliest::new);
    staged
        .process(Report::new, Named.as(REPORT))
        .to(topic.name(), Produced.with(topic.keySerde(), topic.valueSerde()).withName(SINK));
  }

  void init(ProcessorContext<?, ?> context) {
    global = context.getStateStore(STORE);
  }

  /**
   * Where the learning period of {@code record}'s cluster starts, {@code t} being its event time:
   * the earliest time known of the cluster, by the global clock or by this processor (whose report
   * the global store may not have applied yet).
   */
  long learningStart(AuditRecord record, long t) {
    String cluster = ClusterKeys.of(record.workspace(), record.cluster());
    long local = noteEarliest(cluster, t);
    Long known = global.get(cluster);
    return known == null ? local : Math.min(known, local);
  }

  /** Keeps the earliest time this processor saw of {@code cluster}; returns it. */
  private long noteEarliest(String cluster, long t) {
    Long mine = earliest.get(cluster);
    if (mine != null && mine <= t) {
      return mine;
    }
    if (earliest.size() >= MAX_CLUSTERS) {
      earliest.clear();
    }
    earliest.put(cluster, t);
    return t;
  }

  /** Reports times earlier than the clock knows; at most one record per earlier time on this task. */
  private static final class Report implements Processor<String, AuditRecord, String, Long> {
    private final ClusterClock clock = new ClusterClock();
    private ProcessorContext<String, Long> context;

    @Override
    public void init(ProcessorContext<String, Long> context) {
      this.context = context;
      clock.init(context);
    }

    @Override
    public void process(Record<String, AuditRecord> record) {
      AuditRecord value = record.value();
      String cluster = ClusterKeys.of(value.workspace(), value.cluster());
      long t = value.event().stageTimestamp().toEpochMilli();
      // Almost every event is no earlier than what this task saw: one map lookup, nothing more.
      if (clock.noteEarliest(cluster, t) < t) {
        return;
      }
      Long known = clock.global.get(cluster);
      if (known == null || t < known) {
        context.forward(new Record<>(cluster, t, record.timestamp()));
      }
    }
  }

  /** Keeps the earliest time of each cluster, live and when the global store is restored. */
  private static final class KeepEarliest implements Processor<String, Long, Void, Void> {
    private KeyValueStore<String, Long> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, Long> record) {
      if (record.key() == null || record.value() == null) {
        return;
      }
      Long known = store.get(record.key());
      if (known == null || record.value() < known) {
        store.put(record.key(), record.value());
      }
    }
  }
}
