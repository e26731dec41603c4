package dev.vigil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.codec.AlertCodec;
import dev.vigil.schemas.codec.CodecSerde;
import dev.vigil.schemas.codec.FindingCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;

/** The registry of Vigil's topics: the only place a topic name is written. */
public final class Topics {

  private static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  private static final Map<String, String> DELETE = Map.of("cleanup.policy", "delete");
  private static final Map<String, String> COMPACT =
      Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0");

  /**
   * Audit events as received, one record per event; key {@code workspace/cluster/user} ({@link
   * ClusterKeys#rawKey}).
   */
  public static final Topic<String, byte[]> AUDIT_RAW =
      new Topic<>("vigil.audit.raw.v1", Serdes.String(), Serdes.ByteArray(), 6, DELETE);

  /** Rejected events with a {@code vigil-reason} header; key as received. */
  public static final Topic<String, byte[]> AUDIT_DLQ =
      new Topic<>("vigil.audit.dlq.v1", Serdes.String(), Serdes.ByteArray(), 3, DELETE);

  /** One record per detector match; key: alert fingerprint. */
  public static final Topic<String, Finding> FINDINGS =
      new Topic<>(
          "vigil.findings.v1", Serdes.String(), new CodecSerde<>(FindingCodec.INSTANCE), 6, DELETE);

  /** Alerts, re-published with the same id when they change; key: alert id. */
  public static final Topic<String, Alert> ALERTS =
      new Topic<>(
          "vigil.alerts.v1", Serdes.String(), new CodecSerde<>(AlertCodec.INSTANCE), 6, COMPACT);

  /**
   * Every alert change as an OCSF 1.x Detection Finding (class_uid 2004) for SIEMs; key: alert id.
   * An event stream (create, update, close activities), not a table, so it is not compacted.
   */
  public static final Topic<String, JsonNode> ALERTS_OCSF =
      new Topic<>(
          "vigil.alerts.ocsf.v1", Serdes.String(), new JsonSerde<>(JsonNode.class), 6, DELETE);

  /** Triage decisions written by the API; key: alert id. */
  public static final Topic<String, AlertStatusChange> ALERT_STATUS =
      new Topic<>(
          "vigil.alert-status.v1",
          Serdes.String(),
          new JsonSerde<>(AlertStatusChange.class),
          6,
          COMPACT);

  /**
   * Cluster registrations (token hash only); key {@code workspace/cluster} ({@link ClusterKeys#of}),
   * or the bare cluster name for registrations written before names were per workspace; tombstone on
   * delete.
   */
  public static final Topic<String, ClusterRegistration> CLUSTERS =
      new Topic<>(
          "vigil.clusters.v1",
          Serdes.String(),
          new JsonSerde<>(ClusterRegistration.class),
          1,
          COMPACT);

  /** Workspace API tokens (hash only); key: token id; tombstone on revoke. */
  public static final Topic<String, ApiToken> API_TOKENS =
      new Topic<>(
          "vigil.api-tokens.v1", Serdes.String(), new JsonSerde<>(ApiToken.class), 1, COMPACT);

  /**
   * A bounded sample of the findings of rules in shadow mode (evaluated live, never alerted), for
   * trying a rule before it alerts; key: alert fingerprint. Kept for 7 days.
   */
  public static final Topic<String, Finding> FINDINGS_SHADOW =
      new Topic<>(
          "vigil.findings.shadow.v1",
          Serdes.String(),
          new CodecSerde<>(FindingCodec.INSTANCE),
          1,
          Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(7L * 24 * 3600 * 1000)));

  /**
   * Detection's clock per cluster: the earliest event time (epoch millis) detection saw of it, where
   * the baselines' learning period starts; key {@code workspace/cluster} ({@link ClusterKeys#of}).
   * Written and read (as a global store) by detection only.
   */
  public static final Topic<String, Long> CLUSTER_CLOCK =
      new Topic<>("vigil.cluster-clock.v1", Serdes.String(), Serdes.Long(), 1, COMPACT);

  /** Notification outputs (secrets included: delivery needs them); key: output id; tombstone on delete. */
  public static final Topic<String, OutputDefinition> OUTPUTS =
      new Topic<>(
          "vigil.outputs.v1", Serdes.String(), new JsonSerde<>(OutputDefinition.class), 1, COMPACT);

  /** Suppression rules; key: rule id; tombstone on delete. */
  public static final Topic<String, SuppressionRule> SUPPRESSIONS =
      new Topic<>(
          "vigil.suppressions.v1", Serdes.String(), new JsonSerde<>(SuppressionRule.class), 1, COMPACT);

  /** Alerts correlated into incidents, re-published when they change; key: incident id. */
  public static final Topic<String, Incident> INCIDENTS =
      new Topic<>(
          "vigil.incidents.v1", Serdes.String(), new JsonSerde<>(Incident.class), 6, COMPACT);

  /**
   * Every incident change as an OCSF 1.3 Incident Finding (class_uid 2005) for SIEMs; key: incident
   * id. An event stream (create, update, close activities), not a table.
   */
  public static final Topic<String, JsonNode> INCIDENTS_OCSF =
      new Topic<>(
          "vigil.incidents.ocsf.v1", Serdes.String(), new JsonSerde<>(JsonNode.class), 6, DELETE);

  /** Triage decisions on incidents written by the API; key: incident id. */
  public static final Topic<String, IncidentStatusChange> INCIDENT_STATUS =
      new Topic<>(
          "vigil.incident-status.v1",
          Serdes.String(),
          new JsonSerde<>(IncidentStatusChange.class),
          6,
          COMPACT);

  private static final List<Topic<?, ?>> ALL =
      List.of(
          AUDIT_RAW, AUDIT_DLQ, FINDINGS, ALERTS, ALERTS_OCSF, ALERT_STATUS, CLUSTERS, API_TOKENS,
          FINDINGS_SHADOW, CLUSTER_CLOCK, OUTPUTS, SUPPRESSIONS, INCIDENTS, INCIDENTS_OCSF,
          INCIDENT_STATUS);

  private Topics() {}

  public static List<Topic<?, ?>> all() {
    return ALL;
  }

  /**
   * The replication factor of Vigil's topics on a cluster of {@code brokers}: every broker, at most 3
   * (1 on one broker, 3 from three brokers on).
   */
  public static short replicationFor(int brokers) {
    return (short) Math.max(1, Math.min(3, brokers));
  }

  /**
   * Every topic as created with replication factor {@code replication}. With three or more replicas
   * a topic also gets {@code min.insync.replicas=2}: an {@code acks=all} write then survives the loss
   * of any one broker, and is refused rather than kept on a single copy when two are gone. With fewer
   * replicas the broker's default applies.
   */
  static List<NewTopic> newTopics(short replication) {
    List<NewTopic> topics = new ArrayList<>();
    for (Topic<?, ?> topic : ALL) {
      Map<String, String> config = new HashMap<>(topic.config());
      if (replication >= 3) {
        config.put(MIN_INSYNC_REPLICAS, "2");
      }
      topics.add(new NewTopic(topic.name(), topic.partitions(), replication).configs(config));
    }
    return topics;
  }

  /**
   * Creates every topic that does not exist yet, with replication factor {@code replication} (see
   * {@link #replicationFor}) and, from 3 replicas on, {@code min.insync.replicas=2}. Existing topics
   * are left as they are.
   *
   * @return the names of the topics created
   */
  public static List<String> createMissing(Admin admin, short replication, long timeoutMs)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
    List<NewTopic> missing =
        newTopics(replication).stream().filter(t -> !existing.contains(t.name())).toList();
    if (missing.isEmpty()) {
      return List.of();
    }
    try {
      admin.createTopics(missing).all().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    return missing.stream().map(NewTopic::name).collect(Collectors.toList());
  }
}
