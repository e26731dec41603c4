package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.JsonSerde;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
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
 * stream, by {@code workspace/cluster}, through {@value #KUBE_SYSTEM_REPARTITION}.
 *
 * <p>Stores are {@value #STORE_VERSION}: their keys carry the workspace since then, and a new name
 * keeps state keyed without it (v1) from being read as if it were one workspace's.
 */
public final class StatefulTopology {

  static final String FORBIDDEN_BURST = "forbidden-burst";
  static final String SECRET_ENUMERATION = "secret-enumeration";
  static final String DISCOVERY_BURST = "discovery-burst";
  static final String RBAC_THEN_WORKLOAD = "rbac-then-workload";
  static final String SA_OPERATIONS = "sa-operations";
  static final String SECRET_ACCESS = "secret-access";
  static final String KUBE_SYSTEM_CONTAINERS = "kube-system-containers";
  static final String THREAT_INTEL = "threat-intel";
  /** v2: keyed {@code workspace/cluster} (v1: the bare cluster name). */
  static final String KUBE_SYSTEM_REPARTITION = "kube-system-workloads-by-cluster-v2";
  static final String PRINCIPAL_KEY = "principal-key-v1";
  static final String VERSION = "-v1";
  /** Version of every store name; v2 keys carry the workspace. */
  static final String STORE_VERSION = "-v2";

  /**
   * Keys of each store (per stream task) kept as live objects in front of RocksDB by {@link
   * WriteBackStore}; a principal active within the last few thousand keys costs no deserialisation.
   */
  static final int CACHED_KEYS_PER_STORE = 2_048;

  private StatefulTopology() {}

  /** The alert types the stateful detectors raise with {@code config}. */
  public static List<String> alertTypes(StatefulConfig config) {
    List<String> types = new ArrayList<>();
    for (WindowRule rule : windowRules(config)) {
      types.add(rule.info().alertType());
    }
    types.add(RbacThenWorkloadRule.ALERT_TYPE);
    types.add(BaselineRules.SA_RARE_OPERATION);
    types.add(BaselineRules.ANOMALOUS_SECRET_ACCESS);
    types.add(BaselineRules.KUBE_SYSTEM_CONTAINER);
    if (!config.threatIntelFiles().isEmpty()) {
      types.add(ThreatIntelProcessor.ALERT_TYPE);
    }
    return types;
  }

  static List<WindowRule> windowRules(StatefulConfig config) {
    return List.of(
        new WindowRules.ForbiddenBurst(config.forbiddenBurst()),
        new WindowRules.SecretEnumeration(config.secretReads(), config.secretListNamespaces()),
        new WindowRules.DiscoveryBurst(config.discoveryBurst()));
  }

  private static String baseOf(WindowRule rule) {
    return switch (rule.info().alertType()) {
      case WindowRules.FORBIDDEN_BURST -> FORBIDDEN_BURST;
      case WindowRules.SECRET_ENUMERATION -> SECRET_ENUMERATION;
      case WindowRules.DISCOVERY_BURST -> DISCOVERY_BURST;
      default -> throw new IllegalStateException("no name for " + rule.info().alertType());
    };
  }

  /** {@code forbidden-burst} and {@code detect} give {@code forbidden-burst-detect-v1}. */
  static String name(String base, String role) {
    return base + "-" + role + VERSION;
  }

  /** {@code sa-operations} and {@code items} give the store {@code sa-operations-items-v2}. */
  static String storeName(String base, String role) {
    return base + (role == null ? "" : "-" + role) + STORE_VERSION;
  }

  /**
   * Adds the stateful detectors.
   *
   * @param validated the validated events, one audit stage per request (keyed {@code
   *     workspace/cluster/user} by the gateway; the key is set again here)
   * @throws IllegalArgumentException when a threat-intelligence file cannot be read or parsed
   */
  public static void addTo(
      StreamsBuilder builder,
      KStream<String, AuditRecord> validated,
      StatefulConfig config,
      MeterRegistry registry) {
    // Same key as the gateway writes, so records stay on their partition: no repartition needed.
    KStream<String, AuditRecord> staged =
        validated.selectKey(
            (key, record) ->
                ClusterKeys.rawKey(record.workspace(), record.cluster(), record.event().username()),
            Named.as(PRINCIPAL_KEY));
    for (WindowRule rule : windowRules(config)) {
      String base = baseOf(rule);
      String store = storeName(base, null);
      builder.addStateStore(writeBack(
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(store), Serdes.String(), new WindowStateSerde())));
      StatefulMetrics metrics = new StatefulMetrics(registry, rule.info().alertType());
      toFindings(
          staged.process(() -> new WindowProcessor(rule, store, config, metrics),
              Named.as(name(base, "detect")), store),
          base);
    }

    String sequenceStore = storeName(RBAC_THEN_WORKLOAD, null);
    builder.addStateStore(writeBack(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(sequenceStore), Serdes.String(),
            new JsonSerde<>(SequenceState.class))));
    StatefulMetrics sequenceMetrics = new StatefulMetrics(registry, RbacThenWorkloadRule.ALERT_TYPE);
    toFindings(
        staged.process(() -> new SequenceProcessor(sequenceStore, config, sequenceMetrics),
            Named.as(name(RBAC_THEN_WORKLOAD, "detect")), sequenceStore),
        RBAC_THEN_WORKLOAD);

    addBaseline(builder, staged, SA_OPERATIONS, new BaselineRules.ServiceAccountRareOperation(), config,
        registry);
    addBaseline(builder, staged, SECRET_ACCESS, new BaselineRules.AnomalousSecretAccess(), config,
        registry);
    // Per cluster (workspace/cluster): only successful workload writes in kube-system cross the
    // repartition topic.
    KStream<String, AuditRecord> kubeSystemByCluster =
        staged
            .filter((key, record) -> BaselineRules.KubeSystemContainer.relevant(record.event()),
                Named.as(name("kube-system", "filter")))
            .selectKey((key, record) -> ClusterKeys.of(record.workspace(), record.cluster()),
                Named.as(name("kube-system", "by-cluster")))
            .repartition(
                Repartitioned.with(Serdes.String(), new JsonSerde<>(AuditRecord.class))
                    .withName(KUBE_SYSTEM_REPARTITION));
    addBaseline(builder, kubeSystemByCluster, KUBE_SYSTEM_CONTAINERS,
        new BaselineRules.KubeSystemContainer(), config, registry);

    if (!config.threatIntelFiles().isEmpty()) {
      ThreatIntelList list = new ThreatIntelList(config.threatIntelFiles());
      StatefulMetrics metrics = new StatefulMetrics(registry, ThreatIntelProcessor.ALERT_TYPE);
      toFindings(
          staged.process(() -> new ThreatIntelProcessor(list, config.threatIntelRecheck(), metrics),
              Named.as(name(THREAT_INTEL, "detect"))),
          THREAT_INTEL);
    }
  }

  private static void addBaseline(
      StreamsBuilder builder,
      KStream<String, AuditRecord> input,
      String base,
      BaselineRule rule,
      StatefulConfig config,
      MeterRegistry registry) {
    String subjects = storeName(base, "subjects");
    String items = storeName(base, "items");
    builder.addStateStore(writeBack(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(subjects), Serdes.String(),
            new JsonSerde<>(SubjectState.class))));
    builder.addStateStore(writeBack(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(items), Serdes.String(), Serdes.Long())));
    StatefulMetrics metrics = new StatefulMetrics(registry, rule.info().alertType());
    toFindings(
        input.process(() -> new BaselineProcessor(rule, subjects, items, config, metrics),
            Named.as(name(base, "detect")), subjects, items),
        base);
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
