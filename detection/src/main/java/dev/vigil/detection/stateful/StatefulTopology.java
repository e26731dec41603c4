package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.JsonSerde;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.kafka.WriteBackStoreBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The stateful detectors, added to the detection topology behind the stage rule: window thresholds,
 * a sequence and baselines on named, versioned, changelogged RocksDB stores, and the
 * threat-intelligence list.
 *
 * <pre>
 * staged ─▶ principal-key-v1
 *        ─▶ cluster-clock-report-v1 ─▶ vigil.cluster-clock.v1 ─▶ [cluster-clock-v1] (global store)
 *        ─▶ stateful-live-only-v1 (drops history older than the backfill horizon) ─▶ windows,
 *             sequence and threat intel below; baselines read the stream before it
 *        ─▶ forbidden-burst-detect-v1     [forbidden-burst-v2]                      ─▶ vigil.findings.v1
 *        ─▶ secret-enumeration-detect-v1  [secret-enumeration-v2]                   ─▶ vigil.findings.v1
 *        ─▶ discovery-burst-detect-v1     [discovery-burst-v2]                      ─▶ vigil.findings.v1
 *        ─▶ rbac-then-workload-detect-v1  [rbac-then-workload-v2]                   ─▶ vigil.findings.v1
 *        ─▶ sa-operations-detect-v1       [sa-operations-subjects-v2, -items-v2]    ─▶ vigil.findings.v1
 *        ─▶ secret-access-detect-v1       [secret-access-subjects-v2, -items-v2]    ─▶ vigil.findings.v1
 *        ─▶ kube-system-filter-v1 ─▶ kube-system-by-cluster-v1 ─▶ (repartition by workspace/cluster)
 *             ─▶ kube-system-containers-detect-v1 [kube-system-containers-subjects-v2, -items-v2] ─▶ …
 *        ─▶ threat-intel-detect-v1 (when lists are configured)                      ─▶ vigil.findings.v1
 * </pre>
 *
 * <p>Per-principal detectors are keyed {@code workspace/cluster/user}, the raw topic's key, so they
 * need no repartition; {@code principal-key-v1} sets that key from the validated headers and event
 * rather than trusting whoever wrote the record (records written before the key carried the
 * workspace, too). The per-cluster {@code kube-system} baseline repartitions only its small filtered
 * stream, by {@code workspace/cluster}, through {@code kube-system-workloads-by-cluster-v2} ({@link
 * BaselineRule#byCluster}).
 *
 * <p>Stores are {@value #STORE_VERSION}: their keys carry the workspace since then, and a new name
 * keeps state keyed without it (v1) from being read as if it were one workspace's.
 */
public final class StatefulTopology {

  static final String PRINCIPAL_KEY = "principal-key-v1";
  static final String LIVE_ONLY = "stateful-live-only-v1";
  static final String VERSION = "-v1";
  /** Version of every store name; v2 keys carry the workspace. */
  static final String STORE_VERSION = "-v2";

  /**
   * Keys of each store (per stream task) kept as live objects in front of RocksDB by {@link
   * WriteBackStore}; a principal active within the last few thousand keys costs no deserialisation.
   */
  static final int CACHED_KEYS_PER_STORE = 2_048;

  private StatefulTopology() {}

  /** {@code forbidden-burst} and {@code detect} give {@code forbidden-burst-detect-v1}. */
  static String name(String base, String role) {
    return base + "-" + role + VERSION;
  }

  /** {@code sa-operations} and {@code items} give the store {@code sa-operations-items-v2}. */
  static String storeName(String base, String role) {
    return base + (role == null ? "" : "-" + role) + STORE_VERSION;
  }

  /**
   * Adds the stateful detectors: each rule in {@code rules} (the catalogue's) gets its processor,
   * stores and findings sink, named after {@link StatefulRule#name}.
   *
   * @param validated the validated events, one audit stage per request (keyed {@code
   *     workspace/cluster/user} by the gateway; the key is set here from the record's validated
   *     fields, so the incoming key is not read)
   * @param backfillHorizon a backfilled record older than this ({@link AuditRecord#historical})
   *     teaches the baselines, reaches no other stateful detector ({@value #LIVE_ONLY}), and no
   *     baseline reports it
   * @throws IllegalArgumentException when a threat-intelligence file cannot be read or parsed
   */
  public static void addTo(
      StreamsBuilder builder,
      KStream<?, AuditRecord> validated,
      List<? extends StatefulRule> rules,
      StatefulConfig config,
      MeterRegistry registry,
      Duration backfillHorizon) {
    // Same key as the gateway writes, so records stay on their partition: no repartition needed.
    KStream<String, AuditRecord> staged =
        validated.selectKey(
            (key, record) ->
                ClusterKeys.rawKey(record.workspace(), record.cluster(), record.event().username()),
            Named.as(PRINCIPAL_KEY));
    ClusterClock.addTo(builder, staged);
    KStream<String, AuditRecord> live =
        staged.processValues(
            () -> new LiveOnlyProcessor<String>(backfillHorizon, null), Named.as(LIVE_ONLY));
    for (StatefulRule rule : rules) {
      StatefulMetrics metrics = new StatefulMetrics(registry, rule.info().alertType());
      if (rule instanceof WindowRule window) {
        addKeyed(builder, live, rule, new WindowStateSerde(),
            store -> new WindowProcessor(window, store, config, metrics));
      } else if (rule instanceof SequenceRule sequence) {
        addKeyed(builder, live, rule, new JsonSerde<>(SequenceState.class),
            store -> new SequenceProcessor(sequence, store, config, metrics));
      } else if (rule instanceof BaselineRule baseline) {
        addBaseline(builder, staged, baseline, config, metrics, backfillHorizon);
      } else if (rule instanceof ThreatIntelRule threatIntel) {
        ThreatIntelList list = new ThreatIntelList(threatIntel.files());
        toFindings(
            live.process(() -> new ThreatIntelProcessor(list, threatIntel.recheck(), metrics),
                Named.as(name(rule.name(), "detect"))),
            rule.name());
      } else {
        throw new IllegalArgumentException(
            rule.info().alertType() + ": not a kind of stateful rule the topology runs");
      }
    }
  }

  /** A rule with one store, keyed as the stream is: the store, the processor, the findings sink. */
  private static <V> void addKeyed(
      StreamsBuilder builder,
      KStream<String, AuditRecord> staged,
      StatefulRule rule,
      Serde<V> values,
      Function<String, Processor<String, AuditRecord, String, Finding>> processor) {
    String store = storeName(rule.name(), null);
    builder.addStateStore(writeBack(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(store), Serdes.String(), values)));
    toFindings(
        staged.process(() -> processor.apply(store), Named.as(name(rule.name(), "detect")), store),
        rule.name());
  }

  private static void addBaseline(
      StreamsBuilder builder,
      KStream<String, AuditRecord> staged,
      BaselineRule rule,
      StatefulConfig config,
      StatefulMetrics metrics,
      Duration backfillHorizon) {
    KStream<String, AuditRecord> input = staged;
    BaselineRule.ByCluster byCluster = rule.byCluster();
    if (byCluster != null) {
      // Per cluster (workspace/cluster): only the events that can matter cross the repartition.
      input =
          staged
              .filter((key, record) -> byCluster.relevant().test(record.event()),
                  Named.as(name(byCluster.name(), "filter")))
              .selectKey((key, record) -> ClusterKeys.of(record.workspace(), record.cluster()),
                  Named.as(name(byCluster.name(), "by-cluster")))
              .repartition(
                  Repartitioned.with(Serdes.String(), new JsonSerde<>(AuditRecord.class))
                      .withName(byCluster.topic()));
    }
    String subjects = storeName(rule.name(), "subjects");
    String items = storeName(rule.name(), "items");
    builder.addStateStore(writeBack(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(subjects), Serdes.String(),
            new JsonSerde<>(SubjectState.class))));
    builder.addStateStore(writeBack(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(items), Serdes.String(), Serdes.Long())));
    toFindings(
        input.process(() -> new BaselineProcessor(rule, subjects, items, config, metrics,
                backfillHorizon),
            Named.as(name(rule.name(), "detect")), subjects, items),
        rule.name());
  }

  private static <K, V> StoreBuilder<KeyValueStore<K, V>> writeBack(
      StoreBuilder<KeyValueStore<K, V>> store) {
    return new WriteBackStoreBuilder<>(store, CACHED_KEYS_PER_STORE);
  }

  private static void toFindings(KStream<String, Finding> findings, String base) {
    Topic<String, Finding> topic = Topics.FINDINGS;
    findings.to(
        topic.name(), Produced.with(topic.keySerde(), topic.valueSerde()).withName(name(base, "sink")));
  }
}
