package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.agent.Agent;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's acceptance: {@code vigil cluster add prod-1} prints token, agent command and webhook
 * kubeconfig; {@code vigil agent} (its own JVM) on a growing file rotated twice while the agent is
 * killed and restarted delivers every line; {@code vigil cluster show prod-1} reports Healthy; after
 * {@code vigil cluster rm prod-1} the agent exits with the revocation message.
 */
class AgentAcceptanceIT {
  private static final int BATCH_LINES = 50;
  @TempDir Path dir;
  private final Set<String> written = new HashSet<>();
  private int next;

  record Run(int exit, String out, String err) {}

  Run vigil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private void write(Path log, int count) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String id = "acc-" + next++;
      lines.append("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"")
          .append(id).append("\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces\",")
          .append("\"verb\":\"list\",\"user\":{\"username\":\"user-").append(next % 5).append("\"},")
          .append("\"objectRef\":{\"resource\":\"namespaces\",\"apiVersion\":\"v1\"},")
          .append("\"responseStatus\":{\"code\":200},\"stageTimestamp\":\"2024-05-01T10:00:00Z\"}\n");
      written.add(id);
    }
    Files.writeString(log, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private Process agent(String url, Path token, Path log, Path output) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dvigil.log.dir=" + dir.resolve("agent-logs"),
        "-cp", System.getProperty("java.class.path"),
        Vigil.class.getName(), "agent",
        "--server", url, "--token-file", token.toString(),
        "--ca-file", dir.resolve("data/tls/ca.crt").toString(),
        "--path", log.toString(), "--state-dir", dir.resolve("agent-state").toString(),
        "--max-batch-lines", Integer.toString(BATCH_LINES), "--max-batch-wait", "200ms",
        "--poll-interval", "50ms", "--initial-backoff", "100ms", "--max-backoff", "1s"));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
  }

  @Test
  void agentSurvivesKillAndTwoRotationsClusterIsHealthyAndRemovalStopsTheAgent() throws Exception {
    Path data = dir.resolve("data");
    Path token = dir.resolve("prod-1.token");
    Path logs = Files.createDirectories(dir.resolve("kube-apiserver"));
    Path log = logs.resolve("audit.log");
    Path output = dir.resolve("agent.out");
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(data));
        KafkaConsumer<String, byte[]> raw = rawConsumer(server.kafkaClientProperties())) {
      Run add = vigil("cluster", "add", "prod-1", "--data-dir", data.toString(), "--token-out", token.toString());
      assertThat(add.exit()).as(add.err()).isZero();
      assertThat(add.out()).contains("Ingest token", Files.readString(token).trim(), "vigil agent --server " + server.url(),
          "certificate-authority-data:", "--audit-webhook-config-file=", "--audit-webhook-mode=batch");

      Map<String, Integer> arrived = new HashMap<>();
      write(log, 1_500);
      Process first = agent(server.url(), token, log, output);
      await().atMost(Duration.ofSeconds(90)).until(() -> poll(raw, arrived) >= 200);
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

      write(log, 100);
      Files.move(log, logs.resolve("audit-2025-01-01T00-00-00.000.log"));
      write(log, 100);
      Files.move(log, logs.resolve("audit-2025-01-01T00-05-00.000.log"));
      write(log, 100);

      Process second = agent(server.url(), token, log, output);
      try {
        write(log, 50);
        await().atMost(Duration.ofSeconds(90)).until(() -> {
          poll(raw, arrived);
          return arrived.keySet().containsAll(written);
        });
        assertThat(arrived.keySet()).isEqualTo(written);
        assertThat(arrived.values().stream().mapToInt(c -> c - 1).sum()).isLessThanOrEqualTo(BATCH_LINES);

        Run show = vigil("cluster", "show", "prod-1", "--data-dir", data.toString());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("Install state:     Healthy");

        Run rm = vigil("cluster", "rm", "prod-1", "--data-dir", data.toString());
        assertThat(rm.exit()).as(rm.err()).isZero();
        write(log, 1);
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("agent exits after removal").isTrue();
        assertThat(second.exitValue()).isEqualTo(Agent.EXIT_TOKEN_REFUSED);
        assertThat(Files.readString(output)).contains("vigil agent: the gateway refused the cluster token (HTTP 401");
      } finally {
        second.destroyForcibly();
      }
    }
  }

  private static KafkaConsumer<String, byte[]> rawConsumer(Map<String, Object> client) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
    List<TopicPartition> partitions = new ArrayList<>();
    consumer.partitionsFor(Topics.AUDIT_RAW.name())
        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static int poll(KafkaConsumer<String, byte[]> raw, Map<String, Integer> arrived) throws Exception {
    for (ConsumerRecord<String, byte[]> record : raw.poll(Duration.ofMillis(200))) {
      Header cluster = record.headers().lastHeader(VigilHeaders.CLUSTER);
      if (cluster != null && "prod-1".equals(new String(cluster.value(), StandardCharsets.UTF_8))) {
        JsonNode event = Json.mapper().readTree(record.value());
        arrived.merge(event.path("auditID").asText(), 1, Integer::sum);
      }
    }
    return arrived.size();
  }
}
