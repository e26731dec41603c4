package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** Counts, per auditID, the events of one cluster that reached the raw topic. */
final class ArrivedEvents implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final String cluster;
  private final Map<String, Integer> counts = new HashMap<>();

  ArrivedEvents(String bootstrap, String cluster) {
    this.cluster = cluster;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    String topic = Topics.AUDIT_RAW.name();
    List<TopicPartition> partitions = new ArrayList<>();
    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  private void poll() {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      Header header = record.headers().lastHeader(VigilHeaders.CLUSTER);
      if (header != null && cluster.equals(new String(header.value(), StandardCharsets.UTF_8))) {
        try {
          JsonNode event = Json.mapper().readTree(record.value());
          counts.merge(event.path("auditID").asText(), 1, Integer::sum);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** Waits until at least {@code n} distinct events arrived. */
  void awaitAtLeast(int n, Duration atMost) {
    Awaitility.await().atMost(atMost).until(() -> {
      poll();
      return counts.size() >= n;
    });
  }

  /** Waits until every one of {@code expected} arrived; returns how often each arrived. */
  Map<String, Integer> awaitAll(Set<String> expected, Duration atMost) {
    Awaitility.await()
        .atMost(atMost)
        .untilAsserted(() -> {
          poll();
          assertThat(counts.keySet()).containsAll(expected);
        });
    poll(); // a duplicate still in flight would show now
    assertThat(counts.keySet()).as("only the events written arrived").isEqualTo(expected);
    return Map.copyOf(counts);
  }

  int distinct() {
    poll();
    return counts.size();
  }

  static int duplicates(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(c -> c - 1).sum();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
