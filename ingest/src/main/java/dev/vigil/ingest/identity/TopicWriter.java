package dev.vigil.ingest.identity;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes one record at a time to the identity topics and waits until Kafka acknowledged it. */
final class TopicWriter implements AutoCloseable {
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaProducer<String, byte[]> producer;

  TopicWriter(Map<String, Object> kafkaClientConfig) {
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-registry-writer");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    this.producer = new KafkaProducer<>(config);
  }

  /**
   * Writes {@code value} (null: a tombstone) under {@code key} and returns its offset.
   *
   * @throws RegistryUnavailableException when Kafka did not acknowledge it in time
   */
  long write(String topic, String key, byte[] value) {
    try {
      return producer
          .send(new ProducerRecord<>(topic, key, value))
          .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .offset();
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new RegistryUnavailableException(
          "Kafka did not acknowledge the change to " + topic + "; retry later",
          e instanceof ExecutionException ? e.getCause() : e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while writing to " + topic, e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(2));
  }
}
