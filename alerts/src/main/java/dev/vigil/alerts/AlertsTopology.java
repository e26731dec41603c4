package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The alerts topology: {@code vigil.findings.v1} → dedup into alerts → {@code vigil.alerts.v1} → a
 * global, queryable {@link #ALERTS_BY_ID_STORE}.
 *
 * <p>The store is a global table so that every instance of the application holds every alert and
 * any instance of the HTTP API can answer any query without routing between instances.
 */
public final class AlertsTopology {

  /** Name of the processor folding findings into alerts. */
  public static final String DEDUP_PROCESSOR = "alert-dedup-v1";

  /** Persistent store: alert fingerprint → current alert of that fingerprint. */
  public static final String ALERTS_BY_FINGERPRINT_STORE = "alerts-by-fingerprint-v1";

  /** Global queryable store: alert id → alert, materialized from {@code vigil.alerts.v1}. */
  public static final String ALERTS_BY_ID_STORE = "alerts-by-id-v1";

  /** Persistent store: fingerprint → oldest gateway receipt (ms) of an update not yet published. */
  static final String UNPUBLISHED_STORE = "alerts-unpublished-v1";

  static final String FINDINGS_SOURCE = "findings-source-v1";
  static final String ALERTS_SINK = "alerts-sink-v1";
  static final String ALERTS_GLOBAL_SOURCE = "alerts-global-source-v1";

  private AlertsTopology() {}

  /** Adds the alerts topology to {@code builder}. Every serde is given explicitly. */
  public static void addTo(StreamsBuilder builder, AlertsConfig config) {
    AlertsMetrics metrics = new AlertsMetrics(config.meterRegistry());

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ALERTS_BY_FINGERPRINT_STORE),
                Serdes.String(),
                Topics.ALERTS.valueSerde())
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(UNPUBLISHED_STORE), Serdes.String(), Serdes.Long())
            .withCachingEnabled());

    builder.<String, Finding>stream(
            Topics.FINDINGS.name(),
            Consumed.with(Topics.FINDINGS.keySerde(), Topics.FINDINGS.valueSerde())
                .withName(FINDINGS_SOURCE))
        .process(
            () -> new AlertDedupProcessor(config, metrics),
            Named.as(DEDUP_PROCESSOR),
            ALERTS_BY_FINGERPRINT_STORE,
            UNPUBLISHED_STORE)
        .to(
            Topics.ALERTS.name(),
            Produced.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde()).withName(ALERTS_SINK));

    builder.globalTable(
        Topics.ALERTS.name(),
        Consumed.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde())
            .withName(ALERTS_GLOBAL_SOURCE),
        Materialized.<String, Alert, KeyValueStore<Bytes, byte[]>>as(ALERTS_BY_ID_STORE)
            .withKeySerde(Topics.ALERTS.keySerde())
            .withValueSerde(Topics.ALERTS.valueSerde()));
  }

  /** A topology holding only the alerts application. */
  public static Topology build(AlertsConfig config) {
    StreamsBuilder builder = new StreamsBuilder();
    addTo(builder, config);
    return builder.build();
  }
}
