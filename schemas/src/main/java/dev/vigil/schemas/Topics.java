package dev.vigil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
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
      new Topic<>("vigil.findings.v1", Serdes.String(), new JsonSerde<>(Finding.class), 6, DELETE);

  /** Alerts, re-published with the same id when they change; key: alert id. */
  public static final Topic<String, Alert> ALERTS =
      new Topic<>("vigil.alerts.v1", Serdes.String(), new JsonSerde<>(Alert.class), 6, COMPACT);

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

  private static final List<Topic<?, ?>> ALL =
      List.of(
          AUDIT_RAW, AUDIT_DLQ, FINDINGS, ALERTS, ALERTS_OCSF, ALERT_STATUS, CLUSTERS, API_TOKENS);

  private Topics() {}

  public static List<Topic<?, ?>> all() {
    return ALL;
  }

  /**
   * Creates every topic that does not exist yet, with replication factor {@code replication}.
   * Existing topics are left as they are.
   *
   * @return the names of the topics created
   */
  public static List<String> createMissing(Admin admin, short replication, long timeoutMs)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
    List<NewTopic> missing = new ArrayList<>();
    for (Topic<?, ?> topic : ALL) {
      if (!existing.contains(topic.name())) {
        missing.add(
            new NewTopic(topic.name(), topic.partitions(), replication).configs(topic.config()));
      }
    }
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
