package dev.vigil.detection.stateful;

import dev.vigil.detection.AuditRecord;
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
import org.apache.kafka.streams.state.Stores;

/**
 * The stateful detectors, added to the detection topology behind the stage rule: window thresholds,
 * sequences and baselines on named, versioned, changelogged RocksDB stores, and the
 * threat-intelligence list.
 *
 * <p>Per-principal detectors use the raw topic's key ({@code cluster/user}) as it is, so they need no
 * repartition. The per-cluster {@code kube-system} baseline repartitions only its small filtered
 * stream, by cluster, through the named topic {@value #KUBE_SYSTEM_REPARTITION}.
 */
public final class StatefulTopology {

  static final String FORBIDDEN_BURST = "forbidden-burst-v1";
  static final String SECRET_ENUMERATION = "secret-enumeration-v1";
  static final String DISCOVERY_BURST = "discovery-burst-v1";
  static final String KUBE_SYSTEM_REPARTITION = "kube-system-workloads-by-cluster-v1";

  private StatefulTopology() {}

  /** The alert types the stateful detectors raise with {@code config}. */
  public static List<String> alertTypes(StatefulConfig config) {
    List<String> types = new ArrayList<>();
    for (WindowRule rule : windowRules(config)) {
      types.add(rule.info().alertType());
    }
    return types;
  }

  static List<WindowRule> windowRules(StatefulConfig config) {
    return List.of(
        new WindowRules.ForbiddenBurst(config.forbiddenBurst()),
        new WindowRules.SecretEnumeration(config.secretReads(), config.secretListNamespaces()),
        new WindowRules.DiscoveryBurst(config.discoveryBurst()));
  }

  private static String storeOf(WindowRule rule) {
    return switch (rule.info().alertType()) {
      case WindowRules.FORBIDDEN_BURST -> FORBIDDEN_BURST;
      case WindowRules.SECRET_ENUMERATION -> SECRET_ENUMERATION;
      case WindowRules.DISCOVERY_BURST -> DISCOVERY_BURST;
      default -> throw new IllegalStateException("no store name for " + rule.info().alertType());
    };
  }

  /**
   * Adds the stateful detectors.
   *
   * @param staged the validated events, one audit stage per request, keyed {@code cluster/user}
   */
  public static void addTo(
      StreamsBuilder builder,
      KStream<String, AuditRecord> staged,
      StatefulConfig config,
      MeterRegistry registry) {
    for (WindowRule rule : windowRules(config)) {
      String store = storeOf(rule);
      builder.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(store),
              Serdes.String(),
              new JsonSerde<>(WindowState.class)));
      StatefulMetrics metrics = new StatefulMetrics(registry, rule.info().alertType());
      toFindings(
          staged.process(
              () -> new WindowProcessor(rule, store, config, metrics), Named.as(processorName(store, "detect")), store),
          store);
    }
  }

  /** {@code forbidden-burst-v1} and {@code detect} give {@code forbidden-burst-detect-v1}. */
  static String processorName(String store, String role) {
    int version = store.lastIndexOf("-v");
    return store.substring(0, version) + "-" + role + store.substring(version);
  }

  private static void toFindings(KStream<String, Finding> findings, String name) {
    Topic<String, Finding> topic = Topics.FINDINGS;
    findings.to(
        topic.name(),
        Produced.with(topic.keySerde(), topic.valueSerde()).withName(processorName(name, "sink")));
  }
}
