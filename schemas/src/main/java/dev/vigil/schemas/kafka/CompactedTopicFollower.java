package dev.vigil.schemas.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows topics on a thread of its own for as long as it runs: a consumer without a group, assigned
 * every partition, positioned by a {@link Start}, handing each record to a {@link Listener}. Read
 * from the beginning, a compacted topic becomes a table that every instance converges on (the cluster
 * registry); read from the end or from known offsets, its changes become a feed (the live alert
 * stream).
 *
 * <p>It waits for its topics to exist, says once when it has read everything they held when it was
 * positioned ({@link Listener#caughtUp}), and retries when Kafka fails if the listener wants it to
 * ({@link Listener#retry}). It logs nothing itself: the listener decides what is worth a log line.
 */
public final class CompactedTopicFollower implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(250);
  private static final long RETRY_MS = 1_000;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
  private static final long JOIN_MS = 5_000;

  /** Where reading starts in a partition: an offset, or {@link #BEGINNING} or {@link #END}. */
  @FunctionalInterface
  public interface Start {
    long BEGINNING = -2;
    long END = -1;

    /** The first offset to read of {@code partition}, {@link #BEGINNING} or {@link #END}. */
    long offset(TopicPartition partition);

    static Start beginning() {
      return partition -> BEGINNING;
    }

    static Start end() {
      return partition -> END;
    }
  }

  /** What the follower tells, always on its own thread and in this order. */
  public interface Listener {
    /** Positioned, before the first record: the next offset of every partition. */
    default void started(Map<TopicPartition, Long> positions) {}

    /** One record (a tombstone has a null value). */
    void record(ConsumerRecord<String, byte[]> record);

    /** Everything the topics held when the follower was positioned has been handed over; once. */
    default void caughtUp() {}

    /** {@code topic} does not exist (yet); the follower looks again in a second. */
    default void waiting(String topic) {}

    /** Kafka failed; true to try again in a second, false to stop (then {@link #failed}). */
    default boolean retry(KafkaException e) {
      return true;
    }

    /** The follower stopped because of {@code e}; only {@link #closed} follows. */
    default void failed(RuntimeException e) {}

    /** The consumer is closed; the last call. */
    default void closed() {}
  }

  private final KafkaConsumer<String, byte[]> consumer;
  private final List<String> topics;
  private final Start start;
  private final Listener listener;
  private final String name;
  private Thread thread;
  private boolean closed;
  private volatile boolean running = true;

  /**
   * Creates the consumer; {@link #start} starts following.
   *
   * @param kafkaClientConfig at least {@code bootstrap.servers}, plus security settings and any
   *     consumer setting the caller wants (such as {@code isolation.level}); a {@code group.id} is
   *     dropped
   * @param clientId the consumer's {@code client.id} and the thread's name
   * @throws KafkaException when the consumer cannot be created
   */
  public CompactedTopicFollower(
      Map<String, Object> kafkaClientConfig,
      String clientId,
      List<String> topics,
      Start start,
      Listener listener) {
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // An offset compacted or deleted away since it was known is read from the earliest one left.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.topics = List.copyOf(topics);
    this.start = start;
    this.listener = listener;
    this.name = clientId;
  }

  /** Starts following on a daemon thread named after the client id. */
  public synchronized CompactedTopicFollower start() {
    if (thread == null && !closed) {
      thread = new Thread(this::run, name);
      thread.setDaemon(true);
      thread.start();
    }
    return this;
  }

  /** Asks the follower to stop and returns at once; safe on an event loop. */
  public void stop() {
    if (running) {
      running = false;
      consumer.wakeup();
    }
  }

  /** Stops the follower and waits up to five seconds for its consumer to close. */
  @Override
  public void close() {
    Thread following;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      following = thread;
    }
    stop();
    if (following == null) {
      consumer.close(Duration.ZERO);
      listener.closed();
      return;
    }
    try {
      following.join(JOIN_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<TopicPartition> partitions = null;
    Map<TopicPartition, Long> ends = null;
    boolean caughtUp = false;
    try {
      while (running) {
        try {
          if (ends == null) {
            partitions = partitions();
            if (partitions == null) {
              sleep(RETRY_MS);
              continue;
            }
            ends = position(partitions);
          }
          for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            listener.record(record);
          }
          if (!caughtUp && reached(ends)) {
            caughtUp = true;
            listener.caughtUp();
          }
        } catch (WakeupException e) {
          if (running) {
            throw e;
          }
        } catch (KafkaException e) {
          if (!running) {
            break;
          }
          if (!listener.retry(e)) {
            throw e;
          }
          sleep(RETRY_MS);
        }
      }
    } catch (RuntimeException e) {
      if (running) {
        running = false;
        listener.failed(e);
      }
    } finally {
      try {
        consumer.close(CLOSE_TIMEOUT);
      } finally {
        listener.closed();
      }
    }
  }

  /** Every partition of the topics, in partition order; null while one of them does not exist. */
  private List<TopicPartition> partitions() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos == null || infos.isEmpty()) {
        listener.waiting(topic);
        return null;
      }
      List<TopicPartition> ofTopic = new ArrayList<>();
      for (PartitionInfo info : infos) {
        ofTopic.add(new TopicPartition(topic, info.partition()));
      }
      ofTopic.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
      partitions.addAll(ofTopic);
    }
    return partitions;
  }

  /** Assigns and positions the partitions, tells the listener, and returns their end offsets. */
  private Map<TopicPartition, Long> position(List<TopicPartition> partitions) {
    consumer.assign(partitions);
    List<TopicPartition> beginning = new ArrayList<>();
    List<TopicPartition> end = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      long offset = start.offset(partition);
      if (offset == Start.END) {
        end.add(partition);
      } else if (offset < 0) {
        beginning.add(partition);
      } else {
        consumer.seek(partition, offset);
      }
    }
    // Empty lists would mean every assigned partition to Kafka.
    if (!beginning.isEmpty()) {
      consumer.seekToBeginning(beginning);
    }
    if (!end.isEmpty()) {
      consumer.seekToEnd(end);
    }
    Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    for (TopicPartition partition : partitions) {
      positions.put(partition, consumer.position(partition));
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    listener.started(positions);
    return ends;
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
