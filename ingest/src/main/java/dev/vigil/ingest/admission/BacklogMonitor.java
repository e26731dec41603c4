package dev.vigil.ingest.admission;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures detection's backlog on the raw topic from Kafka itself — the topic's end offsets against
 * the detection application's committed offsets — every {@link #INTERVAL}, and hands it to {@link
 * FairAdmission}. Reading offsets from Kafka rather than asking the detection process keeps the
 * gateway role independent: it works the same when detection runs in other processes or machines.
 */
public final class BacklogMonitor implements AutoCloseable {

  static final Duration INTERVAL = Duration.ofMillis(500);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(BacklogMonitor.class);

  private final Admin admin;
  private final String topic;
  private final String detectionGroup;
  private final FairAdmission admission;
  private final ScheduledExecutorService timer;
  private List<TopicPartition> partitions;
  private long lastCommitted = -1;
  private long lastAt;
  private double rate;
  private long lastWarnAt;

  /**
   * @param kafkaClientConfig the gateway's Kafka client settings (bootstrap, security)
   * @param topic the raw audit topic
   * @param detectionGroup the detection application's id (its consumer group)
   */
  public BacklogMonitor(Map<String, Object> kafkaClientConfig, String topic, String detectionGroup,
      FairAdmission admission) {
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.putIfAbsent("client.id", "vigil-admission");
    this.admin = Admin.create(config);
    this.topic = topic;
    this.detectionGroup = detectionGroup;
    this.admission = admission;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vigil-admission-monitor");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts measuring. */
  public BacklogMonitor start() {
    timer.scheduleWithFixedDelay(this::measureQuietly, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void measureQuietly() {
    try {
      admission.update(measure(), System.nanoTime());
    } catch (Exception e) {
      long now = System.nanoTime();
      if (lastWarnAt == 0 || now - lastWarnAt > TimeUnit.MINUTES.toNanos(1)) {
        lastWarnAt = now;
        LOG.warn("cannot read detection's backlog from Kafka ({}); admission keeps its last view",
            e.toString());
      }
    }
  }

  Backlog measure() throws Exception {
    if (partitions == null) {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
      partitions = description.partitions().stream()
          .map(TopicPartitionInfo::partition)
          .map(p -> new TopicPartition(topic, p))
          .toList();
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicPartition partition : partitions) {
      latest.put(partition, OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
        .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(detectionGroup)
        .partitionsToOffsetAndMetadata().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    long now = System.nanoTime();
    long lag = 0;
    long committedTotal = 0;
    boolean any = false;
    for (TopicPartition partition : partitions) {
      long end = ends.get(partition).offset();
      OffsetAndMetadata done = committed.get(partition);
      long at = done == null ? 0 : done.offset();
      any |= done != null;
      lag += Math.max(0, end - at);
      committedTotal += at;
    }
    if (!any) {
      return Backlog.UNKNOWN;
    }
    if (lastCommitted >= 0 && now > lastAt) {
      double recent = (committedTotal - lastCommitted) * 1e9 / (now - lastAt);
      rate = rate == 0 ? recent : 0.5 * rate + 0.5 * recent;
    }
    lastCommitted = committedTotal;
    lastAt = now;
    return new Backlog(lag, rate, true);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    admin.close(Duration.ofSeconds(2));
  }
}
