package dev.vigil.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
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
  void keepsRecordsAndCredentialsAcrossARestartOnTheSameDirectory(@TempDir Path dir) throws Exception {
    Map<String, String> first;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      first = kafka.clientProperties();
      produce(kafka.clientProperties(), "kept");
    }
    assertThat(Files.exists(dir.resolve("kraft-logs").resolve("meta.properties"))).isTrue();
    assertThat(Files.getPosixFilePermissions(dir.resolve(EmbeddedKafka.CLIENT_PROPERTIES)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      assertThat(kafka.clientProperties().get("sasl.jaas.config")).isEqualTo(first.get("sasl.jaas.config"));
      assertThat(readClusters(kafka.clientProperties())).containsExactly("kept");
    }
  }

  @Test
  void anAuthenticatedBrokerRefusesClientsWithoutOrWithWrongCredentials(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      assertThat(kafka.authenticated()).isTrue();
      Map<String, String> none = Map.of("bootstrap.servers", kafka.bootstrapServers());
      assertThatThrownBy(() -> listTopics(none)).hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);

      Map<String, String> wrong = new HashMap<>(kafka.clientProperties());
      wrong.put("sasl.jaas.config", wrong.get("sasl.jaas.config").replaceAll("password=\"[^\"]+\"", "password=\"guess\""));
      assertThatThrownBy(() -> listTopics(wrong)).hasCauseInstanceOf(SaslAuthenticationException.class);
      assertThatThrownBy(() -> produce(wrong, "forged")).hasCauseInstanceOf(SaslAuthenticationException.class);

      assertThat(listTopics(kafka.clientProperties())).contains(Topics.API_TOKENS.name());
    }
  }

  @Test
  void aDataDirFormattedWithoutCredentialsGetsThemAtTheNextStart(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka legacy = EmbeddedKafka.start(dir, 0, Map.of(), false, false)) {
      assertThat(legacy.authenticated()).isFalse();
      produce(legacy.clientProperties(), "from before");
    }
    assertThat(dir.resolve(EmbeddedKafka.CLIENT_PROPERTIES)).doesNotExist();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      assertThat(kafka.authenticated()).isTrue();
      assertThat(readClusters(kafka.clientProperties())).containsExactly("from before");
      assertThatThrownBy(() -> listTopics(Map.of("bootstrap.servers", kafka.bootstrapServers())))
          .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
    assertThat(dir.resolve(EmbeddedKafka.CLIENT_PROPERTIES)).exists();
  }

  @Test
  void aTemporaryBrokerRemovesItsDirectory() {
    EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
    Path dir = kafka.dataDir();
    kafka.close();
    assertThat(dir).doesNotExist();
  }

  private static Set<String> listTopics(Map<String, String> client) throws Exception {
    Map<String, Object> config = new HashMap<>(client);
    config.put("default.api.timeout.ms", 5_000);
    config.put("request.timeout.ms", 5_000);
    try (Admin admin = Admin.create(config)) {
      return admin.listTopics().names().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e;
    }
  }

  private static void produce(Map<String, String> client, String value) throws Exception {
    Map<String, Object> config = new HashMap<>(client);
    config.put("acks", "all");
    config.put("max.block.ms", 5_000);
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(Topics.CLUSTERS.name(), "demo", value)).get(10, TimeUnit.SECONDS);
    }
  }

  private static List<String> readClusters(Map<String, String> client) {
    try (var consumer = new KafkaConsumer<>(new HashMap<String, Object>(client),
        new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(Topics.CLUSTERS.name(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<String, String>> seen = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
      }
      return seen.stream().map(ConsumerRecord::value).toList();
    }
  }
}
