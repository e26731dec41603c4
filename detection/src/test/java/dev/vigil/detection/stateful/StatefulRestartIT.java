package dev.vigil.detection.stateful;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.detection.streams.DetectionApp;
import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a crash: the detection process is killed (SIGKILL) in the middle of a burst,
 * restarted on an empty state directory (so its stores come back from their changelogs only), and
 * the burst still gives exactly one {@code VIGIL_ForbiddenBurst} finding counting each request once.
 */
class StatefulRestartIT {

  private static final String CLUSTER = "prod-eu-1";
  private static final String USER = "mallory@example.com";
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopProcesses() {
    for (Process process : processes) {
      process.destroyForcibly();
    }
  }

  Process startDetection(String bootstrap, String name) throws Exception {
    Path log = dir.resolve(name + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        DetectionProcess.class.getName(), bootstrap, dir.resolve(name + "-state").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(process);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> !process.isAlive() || Files.readString(log).contains("RUNNING"));
    assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
    return process;
  }

  static String forbidden(int i) {
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\","
        + "\"auditID\":\"burst-" + i + "\",\"stage\":\"ResponseComplete\","
        + "\"requestURI\":\"/api/v1/namespaces/prod/secrets/db\",\"verb\":\"get\","
        + "\"user\":{\"username\":\"" + USER + "\"},\"sourceIPs\":[\"198.51.100.23\"],"
        + "\"objectRef\":{\"resource\":\"secrets\",\"namespace\":\"prod\",\"name\":\"db\"},"
        + "\"responseStatus\":{\"code\":403},"
        + "\"stageTimestamp\":\"" + T0.plusSeconds(i) + "\"}";
  }

  static void send(KafkaProducer<String, byte[]> producer, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(VigilHeaders.CLUSTER, CLUSTER.getBytes(StandardCharsets.UTF_8));
      headers.add(VigilHeaders.WORKSPACE, "default".getBytes(StandardCharsets.UTF_8));
      headers.add(VigilHeaders.RECEIVED_MS,
          Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
      producer.send(new ProducerRecord<>(Topics.AUDIT_RAW.name(), null, "default/" + CLUSTER + "/" + USER,
          forbidden(i).getBytes(StandardCharsets.UTF_8), headers)).get(10, TimeUnit.SECONDS);
    }
  }

  static long committedRawOffsets(Admin admin) throws Exception {
    ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(DetectionApp.APPLICATION_ID);
    long sum = 0;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
        result.partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet()) {
      if (e.getKey().topic().equals(Topics.AUDIT_RAW.name()) && e.getValue() != null) {
        sum += e.getValue().offset();
      }
    }
    return sum;
  }

  @Test
  void aBurstInterruptedByAKillIsReportedExactlyOnceAfterRestart() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class));
        KafkaConsumer<String, Finding> findings = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "restart-it",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            Topics.FINDINGS.keySerde().deserializer(), Topics.FINDINGS.valueSerde().deserializer())) {
      String bootstrap = kafka.bootstrapServers();
      Process first = startDetection(bootstrap, "first");

      send(producer, 0, 5);
      await().atMost(Duration.ofSeconds(30)).until(() -> committedRawOffsets(admin) == 5);
      send(producer, 5, 7);
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL, perhaps mid-transaction

      startDetection(bootstrap, "second");
      send(producer, 7, 10);

      findings.subscribe(List.of(Topics.FINDINGS.name()));
      List<Finding> bursts = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        poll(findings, bursts);
        return !bursts.isEmpty();
      });
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
        poll(findings, bursts);
        return bursts.size() == 1;
      });
      Finding burst = bursts.get(0);
      assertThat(burst.count()).isEqualTo(10);
      assertThat(burst.auditIds()).hasSize(10).doesNotHaveDuplicates();
      assertThat(burst.startTime()).isEqualTo(T0);
      assertThat(burst.endTime()).isEqualTo(T0.plusSeconds(9));
    }
  }

  private static void poll(KafkaConsumer<String, Finding> consumer, List<Finding> bursts) {
    for (ConsumerRecord<String, Finding> record : consumer.poll(Duration.ofMillis(200))) {
      if (record.value().alertType().equals("VIGIL_ForbiddenBurst")) {
        bursts.add(record.value());
      }
    }
  }
}
