package dev.vigil.alerts.table;

import dev.vigil.alerts.AlertStoreUnavailableException;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.kafka.CompactedTopicFollower;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compacted topic of definitions (outputs, suppression rules) as an in-memory table that every
 * instance converges on: followed from the beginning with {@link CompactedTopicFollower}, written
 * with an idempotent {@code acks=all} producer. A write returns once Kafka acknowledged it; {@link
 * #awaitValue} then lets the caller answer only once this instance shows it.
 */
public final class CompactedTable<V> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CompactedTable.class);
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

  private final Topic<String, V> topic;
  private final Map<String, V> values = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, V>> listeners = new ArrayList<>();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final CompactedTopicFollower follower;
  private final KafkaProducer<String, V> producer;

  /** @param kafkaClientConfig at least {@code bootstrap.servers}, plus any security settings */
  public CompactedTable(Map<String, Object> kafkaClientConfig, Topic<String, V> topic, String clientId) {
    this.topic = Objects.requireNonNull(topic, "topic");
    Map<String, Object> consumer = new HashMap<>(kafkaClientConfig);
    consumer.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.follower = new CompactedTopicFollower(consumer, clientId + "-reader", List.of(topic.name()),
        CompactedTopicFollower.Start.beginning(), new Listener());
    Map<String, Object> producerConfig = new HashMap<>(kafkaClientConfig);
    producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-writer");
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), topic.valueSerde().serializer());
  }

  /** Calls {@code listener} on the follower's thread with every key and new value (null: deleted). */
  public synchronized CompactedTable<V> onChange(BiConsumer<String, V> listener) {
    listeners.add(listener);
    return this;
  }

  public CompactedTable<V> start() {
    follower.start();
    return this;
  }

  /** Waits until everything written before the start has been read. */
  public boolean awaitCaughtUp(Duration timeout) {
    try {
      caughtUp.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public V get(String key) {
    return values.get(key);
  }

  public List<V> values() {
    return List.copyOf(values.values());
  }

  /**
   * Writes {@code value} (null: a tombstone) under {@code key} and waits for Kafka's acknowledgement.
   *
   * @throws AlertStoreUnavailableException when Kafka did not acknowledge in time
   */
  public void write(String key, V value) {
    try {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new AlertStoreUnavailableException("Kafka did not acknowledge the write to " + topic.name()
          + "; retry shortly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AlertStoreUnavailableException("interrupted while writing to " + topic.name(), e);
    }
  }

  /** Waits up to {@code timeout} until the value of {@code key} satisfies {@code test}; true when it does. */
  public boolean awaitValue(String key, Predicate<V> test, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!test.test(values.get(key))) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Override
  public void close() {
    follower.close();
    producer.close(Duration.ofSeconds(2));
  }

  private final class Listener implements CompactedTopicFollower.Listener {
    @Override
    public void record(ConsumerRecord<String, byte[]> record) {
      if (record.key() == null) {
        return;
      }
      V value = null;
      if (record.value() != null) {
        try {
          value = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
        } catch (RuntimeException e) {
          LOG.warn("ignoring unreadable record {} of {}: {}", record.key(), topic.name(), e.toString());
          return;
        }
      }
      if (value == null) {
        values.remove(record.key());
      } else {
        values.put(record.key(), value);
      }
      List<BiConsumer<String, V>> copy;
      synchronized (CompactedTable.this) {
        copy = List.copyOf(listeners);
      }
      for (BiConsumer<String, V> listener : copy) {
        try {
          listener.accept(record.key(), value);
        } catch (RuntimeException e) {
          LOG.error("a listener of {} failed on {}", topic.name(), record.key(), e);
        }
      }
    }

    @Override
    public void caughtUp() {
      caughtUp.complete(null);
    }

    @Override
    public void waiting(String name) {
      LOG.info("waiting for topic {} to exist", name);
    }

    @Override
    public void failed(RuntimeException e) {
      LOG.error("stopped reading {}", topic.name(), e);
      caughtUp.completeExceptionally(e);
    }
  }
}
