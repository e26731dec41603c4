package dev.vigil.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.suppression.Suppressions;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatusChange;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.kafka.WriteBackStoreBuilder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The alerts topology: {@code vigil.findings.v1} → dedup into alerts → {@code vigil.alerts.v1} → a
 * global, queryable {@link #ALERTS_BY_ID_STORE}; triage decisions from {@code vigil.alert-status.v1}
 * update the same alerts; every published alert is also written to {@code vigil.alerts.ocsf.v1} as an
 * OCSF Detection Finding.
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

  /**
   * Alerts (by fingerprint) each task keeps as live objects between commits. An alert with its 20
   * audit ids and history is a few KiB on the heap, so 4,096 keys cost at most about 16 MiB per task.
   */
  static final int CACHED_ALERTS = 4_096;

  static final String FINDINGS_SOURCE = "findings-source-v1";
  static final String ALERTS_SINK = "alerts-sink-v1";
  static final String ALERTS_GLOBAL_SOURCE = "alerts-global-source-v1";
  static final String STATUS_SOURCE = "alert-status-source-v1";
  static final String STATUS_FILTER = "alert-status-usable-v1";
  static final String STATUS_REKEY = "alert-status-by-fingerprint-key-v1";
  /** Repartition topic (prefixed by the application id) of status changes keyed by fingerprint. */
  static final String STATUS_REPARTITION = "alert-status-by-fingerprint-v1";
  /** Name of the processor applying status changes. */
  public static final String STATUS_PROCESSOR = "alert-status-v1";
  static final String ALERTS_MERGE = "alerts-merge-v1";
  static final String OCSF_PROCESSOR = "alerts-ocsf-v1";
  static final String OCSF_SINK = "alerts-ocsf-sink-v1";

  /** Maps each published alert record to its OCSF Detection Finding. */
  private static final class OcsfProcessor implements FixedKeyProcessor<String, Alert, JsonNode> {
    private FixedKeyProcessorContext<String, JsonNode> context;

    @Override
    public void init(FixedKeyProcessorContext<String, JsonNode> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Alert> record) {
      if (record.value() != null) {
        context.forward(
            record.withValue(
                OcsfDetectionFinding.ofRecord(record.value(), record.headers(), record.timestamp())));
      }
    }
  }

  private AlertsTopology() {}

  /** Adds the alerts topology to {@code builder}. Every serde is given explicitly. */
  public static void addTo(StreamsBuilder builder, AlertsConfig config) {
    AlertsMetrics metrics = new AlertsMetrics(config.meterRegistry());

    // Both stores sit behind a write-back cache of live objects: a finding that joins an existing
    // alert costs a hash lookup, and each changed alert is serialised once per commit (RATIONALE.md).
    builder.addStateStore(
        new WriteBackStoreBuilder<>(
            Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ALERTS_BY_FINGERPRINT_STORE),
                Serdes.String(),
                Topics.ALERTS.valueSerde()),
            CACHED_ALERTS));
    builder.addStateStore(
        new WriteBackStoreBuilder<>(
            Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(UNPUBLISHED_STORE), Serdes.String(), Serdes.Long()),
            CACHED_ALERTS));

    KStream<String, Alert> fromFindings =
        builder.<String, Finding>stream(
                Topics.FINDINGS.name(),
                Consumed.with(Topics.FINDINGS.keySerde(), Topics.FINDINGS.valueSerde())
                    .withName(FINDINGS_SOURCE))
            .process(
                () -> new AlertDedupProcessor(config, metrics),
                Named.as(DEDUP_PROCESSOR),
                ALERTS_BY_FINGERPRINT_STORE,
                UNPUBLISHED_STORE);

    // Status changes are keyed by alert id; re-keyed by fingerprint they reach the task that owns
    // the fingerprint's current alert, so they share its store with the dedup processor.
    KStream<String, Alert> fromStatus =
        builder.<String, AlertStatusChange>stream(
                Topics.ALERT_STATUS.name(),
                Consumed.with(Topics.ALERT_STATUS.keySerde(), Topics.ALERT_STATUS.valueSerde())
                    .withName(STATUS_SOURCE))
            .filter(
                (id, change) -> change != null && change.fingerprint() != null,
                Named.as(STATUS_FILTER))
            .selectKey((id, change) -> change.fingerprint(), Named.as(STATUS_REKEY))
            .repartition(
                Repartitioned.with(Serdes.String(), Topics.ALERT_STATUS.valueSerde())
                    .withName(STATUS_REPARTITION)
                    .withNumberOfPartitions(Topics.FINDINGS.partitions()))
            .process(
                () -> new AlertStatusProcessor(metrics),
                Named.as(STATUS_PROCESSOR),
                ALERTS_BY_FINGERPRINT_STORE,
                UNPUBLISHED_STORE);

    KStream<String, Alert> alerts = fromFindings.merge(fromStatus, Named.as(ALERTS_MERGE));
    alerts.to(
        Topics.ALERTS.name(),
        Produced.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde()).withName(ALERTS_SINK));
    alerts
        .processValues(OcsfProcessor::new, Named.as(OCSF_PROCESSOR))
        .to(
            Topics.ALERTS_OCSF.name(),
            Produced.with(Topics.ALERTS_OCSF.keySerde(), Topics.ALERTS_OCSF.valueSerde())
                .withName(OCSF_SINK));

    Suppressions.addTo(builder);
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
