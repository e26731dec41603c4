package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.kafka.CompactedTopicFollower;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AlertFeed} with one group-less, read-committed {@link CompactedTopicFollower} per
 * subscription, following every partition of {@code vigil.alerts.v1} from the subscription's start. A
 * consumer per live stream is simple and exact (a reconnect resumes from the offsets in {@code
 * Last-Event-ID}, whichever instance serves it); the number of open subscriptions is capped so that a
 * flood of streams costs a bounded number of threads and connections.
 */
public final class KafkaAlertFeed implements AlertFeed {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertFeed.class);

  /** Default cap on concurrent subscriptions. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 64;

  private final Map<String, Object> consumerConfig;
  private final Semaphore slots;

  /**
   * @param kafkaClientConfig at least {@code bootstrap.servers}, plus any security settings
   * @param maxSubscriptions how many streams may be open at once
   */
  public KafkaAlertFeed(Map<String, Object> kafkaClientConfig, int maxSubscriptions) {
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    // Alerts are written transactionally (exactly-once): never show an aborted one.
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    this.consumerConfig = Map.copyOf(config);
    this.slots = new Semaphore(maxSubscriptions);
  }

  @Override
  public Subscription subscribe(
      StreamPosition from, Consumer<Event> onEvent, Consumer<Throwable> onError) {
    if (!slots.tryAcquire()) {
      throw new AlertStoreUnavailableException(
          "too many live streams are open on this instance; retry later", null);
    }
    CompactedTopicFollower follower;
    try {
      follower =
          new CompactedTopicFollower(
              consumerConfig,
              "vigil-alert-stream",
              List.of(Topics.ALERTS.name()),
              start(from),
              new Stream(onEvent, onError));
    } catch (RuntimeException e) {
      slots.release();
      throw new AlertStoreUnavailableException("cannot open the alert stream: " + e.getMessage(), e);
    }
    follower.start();
    return follower::stop;
  }

  /** From now when {@code from} is null; else from its offsets, and a partition it does not know from the beginning. */
  private static CompactedTopicFollower.Start start(StreamPosition from) {
    if (from == null) {
      return CompactedTopicFollower.Start.end();
    }
    return partition -> {
      long offset = from.offset(partition.partition());
      // An offset already compacted or deleted is reset to the earliest by the follower.
      return offset < 0 ? CompactedTopicFollower.Start.BEGINNING : offset;
    };
  }

  /** One subscription: tells where it starts, then every alert with the position after it. */
  private final class Stream implements CompactedTopicFollower.Listener {
    private final Consumer<Event> onEvent;
    private final Consumer<Throwable> onError;
    private StreamPosition position;

    Stream(Consumer<Event> onEvent, Consumer<Throwable> onError) {
      this.onEvent = onEvent;
      this.onError = onError;
    }

    @Override
    public void started(Map<TopicPartition, Long> positions) {
      long[] offsets = new long[positions.size()];
      positions.forEach((partition, offset) -> offsets[partition.partition()] = offset);
      position = new StreamPosition(offsets);
      onEvent.accept(new Event(null, position));
    }

    @Override
    public void record(ConsumerRecord<String, byte[]> record) {
      position = position.after(record.partition(), record.offset());
      Alert alert = decode(record);
      if (alert != null) {
        onEvent.accept(new Event(alert, position));
      }
    }

    /** A stream ends when Kafka fails; the client reconnects with its Last-Event-ID. */
    @Override
    public boolean retry(KafkaException e) {
      return false;
    }

    @Override
    public void failed(RuntimeException e) {
      LOG.warn("alert stream failed: {}", e.toString());
      onError.accept(e);
    }

    @Override
    public void closed() {
      slots.release();
    }
  }

  private static Alert decode(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return null;
    }
    try {
      return Topics.ALERTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("skipping unreadable alert at {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.toString());
      return null;
    }
  }
}
