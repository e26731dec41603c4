package dev.vigil.app;

import dev.vigil.kafkalocal.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic from the beginning without a consumer group, accumulating what it polled. */
final class TopicReader implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

  TopicReader(String bootstrap, String topic, boolean readCommitted) {
    this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic, readCommitted);
  }

  /** @param client bootstrap servers and, for an authenticated broker, its credentials */
  TopicReader(Map<String, ?> client, String topic, boolean readCommitted) {
    Map<String, Object> config = new HashMap<>(client);
    config.putAll(Map.of(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted"));
    consumer = new KafkaConsumer<>(config);
    List<TopicPartition> partitions = new ArrayList<>();
    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Client settings for the broker of a {@code vigil up} run elsewhere: {@code bootstrap} and its data dir's credentials. */
  static Map<String, Object> client(String bootstrap, Path dataDir) throws java.io.IOException {
    java.util.Properties credentials = new java.util.Properties();
    try (var in = java.nio.file.Files.newInputStream(dataDir.resolve("kafka").resolve(EmbeddedKafka.CLIENT_PROPERTIES))) {
      credentials.load(in);
    }
    Map<String, Object> client = new HashMap<>();
    credentials.forEach((k, v) -> client.put((String) k, v));
    client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return client;
  }

  /** Polls once and returns every record read so far. */
  List<ConsumerRecord<String, byte[]>> poll() {
    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    return records;
  }

  /** Polls until every partition is read up to the end offsets it had when called. */
  List<ConsumerRecord<String, byte[]>> readToEnd(Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + end + " within " + timeout);
      }
      poll();
    }
    return records;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
