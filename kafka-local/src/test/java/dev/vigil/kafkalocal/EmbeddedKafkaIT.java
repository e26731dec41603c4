package dev.vigil.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @Test
  void createsVigilsTopicsWithTheirPartitionsAndCompaction() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Set<String> names = admin.listTopics().names().get();
      for (var topic : Topics.all()) {
        assertThat(names).contains(topic.name());
      }
      TopicDescription raw = admin.describeTopics(List.of(Topics.AUDIT_RAW.name())).allTopicNames().get()
          .get(Topics.AUDIT_RAW.name());
      assertThat(raw.partitions()).hasSizeGreaterThanOrEqualTo(6);
      var resource = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.ALERTS.name());
      var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }
  }

  @Test
  void keepsRecordsAcrossARestartOnTheSameDirectory(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      try (var producer = new KafkaProducer<>(
          Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
          new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(Topics.CLUSTERS.name(), "demo", "kept")).get();
      }
    }
    assertThat(Files.exists(dir.resolve("kraft-logs").resolve("meta.properties"))).isTrue();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
        var consumer = new KafkaConsumer<>(
            Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
            new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(Topics.CLUSTERS.name(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<String, String>> seen = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
      }
      assertThat(seen).extracting(ConsumerRecord::value).containsExactly("kept");
    }
  }

  @Test
  void aTemporaryBrokerRemovesItsDirectory() {
    EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
    Path dir = kafka.dataDir();
    kafka.close();
    assertThat(dir).doesNotExist();
  }
}
