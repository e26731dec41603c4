package dev.vigil.alerts.incidents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Incident;
import dev.vigil.schemas.IncidentStatusChange;
import dev.vigil.schemas.Topics;
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
 * The incidents topology: {@code vigil.alerts.v1}, re-keyed by {@code workspace/cluster} so that all
 * alerts of a cluster meet in one task → correlation into incidents → {@code vigil.incidents.v1} → a
 * global, queryable {@link #INCIDENTS_BY_ID_STORE}, and as OCSF Incident Findings to {@code
 * vigil.incidents.ocsf.v1}. Triage decisions from {@code
 * vigil.incident-status.v1} reach the same task and stores.
 */
public final class IncidentsTopology {

  /** Fewest member alerts of a published incident: a single alert is already on the alert list. */
  public static final int MIN_ALERTS = 2;

  /** Persistent store: incident id → incident, as correlation holds it. */
  public static final String INCIDENTS_STORE = "incidents-v1";

  /** Persistent store: {@code workspace/cluster␀type:name} → id of the incident that last used it. */
  public static final String LINKS_STORE = "incident-links-v1";

  /** Global queryable store: incident id → incident, materialized from {@code vigil.incidents.v1}. */
  public static final String INCIDENTS_BY_ID_STORE = "incidents-by-id-v1";

  /** Name of the processor folding alerts into incidents. */
  public static final String CORRELATION_PROCESSOR = "incident-correlation-v1";

  /** Name of the processor applying incident status changes. */
  public static final String STATUS_PROCESSOR = "incident-status-v1";

  static final String ALERTS_SOURCE = "incidents-alerts-source-v1";
  static final String ALERTS_FILTER = "incidents-alerts-usable-v1";
  static final String ALERTS_REKEY = "incidents-alerts-by-cluster-key-v1";
  /** Repartition topic (prefixed by the application id) of alerts keyed by cluster. */
  static final String ALERTS_REPARTITION = "incidents-alerts-by-cluster-v1";
  static final String STATUS_SOURCE = "incident-status-source-v1";
  static final String STATUS_FILTER = "incident-status-usable-v1";
  static final String STATUS_REKEY = "incident-status-by-cluster-key-v1";
  /** Repartition topic of incident status changes keyed by cluster. */
  static final String STATUS_REPARTITION = "incident-status-by-cluster-v1";
  static final String MERGE = "incidents-merge-v1";
  static final String SINK = "incidents-sink-v1";
  static final String GLOBAL_SOURCE = "incidents-global-source-v1";

  static final String OCSF_PROCESSOR = "incidents-ocsf-v1";
  static final String OCSF_SINK = "incidents-ocsf-sink-v1";

  /** Maps each published incident record to its OCSF Incident Finding, by the activity header. */
  private static final class OcsfProcessor implements FixedKeyProcessor<String, Incident, JsonNode> {
    private FixedKeyProcessorContext<String, JsonNode> context;

    @Override
    public void init(FixedKeyProcessorContext<String, JsonNode> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Incident> record) {
      if (record.value() != null) {
        context.forward(record.withValue(OcsfIncidentFinding.of(
            record.value(), OcsfIncidentFinding.activity(record.headers()), record.timestamp())));
      }
    }
  }

  private IncidentsTopology() {}

  /** Adds the incidents topology to {@code builder}. Every serde is given explicitly. */
  public static void addTo(StreamsBuilder builder, IncidentsConfig config) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(INCIDENTS_STORE),
                Serdes.String(),
                Topics.INCIDENTS.valueSerde())
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LINKS_STORE), Serdes.String(), Serdes.String())
            .withCachingEnabled());
    // Both repartition topics get the same partition count: the two processors share stores, so
    // their inputs must be co-partitioned.
    int partitions = Topics.ALERTS.partitions();

    KStream<String, Incident> fromAlerts =
        builder.<String, Alert>stream(
                Topics.ALERTS.name(),
                Consumed.with(Topics.ALERTS.keySerde(), Topics.ALERTS.valueSerde())
                    .withName(ALERTS_SOURCE))
            .filter(
                (id, alert) -> alert != null && alert.workspace() != null && alert.cluster() != null,
                Named.as(ALERTS_FILTER))
            .selectKey((id, alert) -> ClusterKeys.of(alert.workspace(), alert.cluster()), Named.as(ALERTS_REKEY))
            .repartition(
                Repartitioned.with(Serdes.String(), Topics.ALERTS.valueSerde())
                    .withName(ALERTS_REPARTITION)
                    .withNumberOfPartitions(partitions))
            .process(
                () -> new IncidentCorrelationProcessor(config),
                Named.as(CORRELATION_PROCESSOR),
                INCIDENTS_STORE,
                LINKS_STORE);

    KStream<String, Incident> fromStatus =
        builder.<String, IncidentStatusChange>stream(
                Topics.INCIDENT_STATUS.name(),
                Consumed.with(Topics.INCIDENT_STATUS.keySerde(), Topics.INCIDENT_STATUS.valueSerde())
                    .withName(STATUS_SOURCE))
            .filter(
                (id, change) -> change != null && change.clusterKey() != null,
                Named.as(STATUS_FILTER))
            .selectKey((id, change) -> change.clusterKey(), Named.as(STATUS_REKEY))
            .repartition(
                Repartitioned.with(Serdes.String(), Topics.INCIDENT_STATUS.valueSerde())
                    .withName(STATUS_REPARTITION)
                    .withNumberOfPartitions(partitions))
            .process(
                IncidentStatusProcessor::new,
                Named.as(STATUS_PROCESSOR),
                INCIDENTS_STORE);

    KStream<String, Incident> incidents = fromAlerts.merge(fromStatus, Named.as(MERGE));
    incidents.to(
        Topics.INCIDENTS.name(),
        Produced.with(Topics.INCIDENTS.keySerde(), Topics.INCIDENTS.valueSerde()).withName(SINK));
    incidents
        .processValues(OcsfProcessor::new, Named.as(OCSF_PROCESSOR))
        .to(
            Topics.INCIDENTS_OCSF.name(),
            Produced.with(Topics.INCIDENTS_OCSF.keySerde(), Topics.INCIDENTS_OCSF.valueSerde())
                .withName(OCSF_SINK));

    builder.globalTable(
        Topics.INCIDENTS.name(),
        Consumed.with(Topics.INCIDENTS.keySerde(), Topics.INCIDENTS.valueSerde())
            .withName(GLOBAL_SOURCE),
        Materialized.<String, Incident, KeyValueStore<Bytes, byte[]>>as(INCIDENTS_BY_ID_STORE)
            .withKeySerde(Topics.INCIDENTS.keySerde())
            .withValueSerde(Topics.INCIDENTS.valueSerde()));
  }

  /** A topology holding only the incidents application. */
  public static Topology build(IncidentsConfig config) {
    StreamsBuilder builder = new StreamsBuilder();
    addTo(builder, config);
    return builder.build();
  }
}
