package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AlertFeed} with one group-less, read-committed consumer per subscription, assigned every
 * partition of {@code vigil.alerts.v1} and positioned at the subscription's start. A consumer per
 * live stream is simple and exact (a reconnect resumes from the offsets in {@code Last-Event-ID},
 * whichever instance serves it); the number of open subscriptions is capped so that a flood of
 * streams costs a bounded number of threads and connections.
 */
public final class KafkaAlertFeed implements AlertFeed {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertFeed.class);
  private static final Duration POLL = Duration.ofMillis(250);

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
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-alert-stream");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Alerts are written transactionally (exactly-once): never show an aborted one.
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
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
    KafkaConsumer<String, byte[]> consumer;
    try {
      consumer =
          new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
    } catch (RuntimeException e) {
      slots.release();
      throw new AlertStoreUnavailableException("cannot open the alert stream: " + e.getMessage(), e);
    }
    AtomicBoolean running = new AtomicBoolean(true);
    Thread thread =
        new Thread(() -> run(consumer, from, onEvent, onError, running), "vigil-alert-stream");
    thread.setDaemon(true);
    thread.start();
    return () -> {
      if (running.compareAndSet(true, false)) {
        consumer.wakeup();
      }
    };
  }

  private void run(
      KafkaConsumer<String, byte[]> consumer,
      StreamPosition from,
      Consumer<Event> onEvent,
      Consumer<Throwable> onError,
      AtomicBoolean running) {
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(Topics.ALERTS.name())) {
        partitions.add(new TopicPartition(info.topic(), info.partition()));
      }
      partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
      consumer.assign(partitions);
      if (from == null) {
        consumer.seekToEnd(partitions);
      } else {
        List<TopicPartition> unknown = new ArrayList<>();
        for (TopicPartition tp : partitions) {
          long offset = from.offset(tp.partition());
          if (offset < 0) {
            unknown.add(tp);
          } else {
            // An offset already compacted or deleted is reset to the earliest by auto.offset.reset.
            consumer.seek(tp, offset);
          }
        }
        consumer.seekToBeginning(unknown);
      }
      long[] offsets = new long[partitions.size()];
      for (TopicPartition tp : partitions) {
        offsets[tp.partition()] = consumer.position(tp);
      }
      StreamPosition position = new StreamPosition(offsets);
      onEvent.accept(new Event(null, position));
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          position = position.after(record.partition(), record.offset());
          Alert alert = decode(record);
          if (alert != null) {
            onEvent.accept(new Event(alert, position));
          }
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        onError.accept(e);
      }
    } catch (RuntimeException e) {
      if (running.get()) {
        LOG.warn("alert stream failed: {}", e.toString());
        onError.accept(e);
      }
    } finally {
      running.set(false);
      try {
        consumer.close(Duration.ofSeconds(1));
      } finally {
        slots.release();
      }
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
