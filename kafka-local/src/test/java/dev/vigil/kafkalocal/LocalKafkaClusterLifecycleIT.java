package dev.vigil.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaClusterLifecycleIT {
  private static final Pattern READY = Pattern.compile("READY (\\d+) (\\S+)");

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aTemporaryOneBrokerClusterReplicatesOnceAndRemovesItselfOnClose() throws Exception {
    LocalKafkaCluster cluster = LocalKafkaCluster.startTemporary(1);
    Path dir = cluster.dataDir();
    long pid = cluster.process(1).orElseThrow().pid();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      assertThat(cluster.authenticated()).isFalse();
      assertThat(dir.resolve("broker-1.pid")).hasContent(Long.toString(pid));
      var broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
      var config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
      for (String key : List.of("default.replication.factor", "min.insync.replicas", "offsets.topic.replication.factor",
          "transaction.state.log.replication.factor", "transaction.state.log.min.isr")) {
        assertThat(config.get(key).value()).as(key).isEqualTo("1");
      }
      var raw = admin.describeTopics(List.of(Topics.AUDIT_RAW.name())).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(Topics.AUDIT_RAW.name());
      assertThat(raw.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
    } finally {
      cluster.close();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    assertThat(dir).doesNotExist();
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void brokersStopByThemselvesWhenTheProcessThatStartedThemIsKilled(@TempDir Path work) throws Exception {
    Path output = work.resolve("parent.out");
    Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), ClusterParentMain.class.getName())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    Path clusterDir = null;
    try {
      Matcher ready = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
        assertThat(parent.isAlive()).as("the parent exited: " + Files.readString(output)).isTrue();
        return READY.matcher(Files.readString(output));
      }, Matcher::find);
      long broker = Long.parseLong(ready.group(1));
      clusterDir = Path.of(ready.group(2));
      assertThat(ProcessHandle.of(broker).map(ProcessHandle::isAlive)).hasValue(true);

      parent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      long killed = System.nanoTime();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> ProcessHandle.of(broker).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
      System.out.printf("CLUSTER broker process %d stopped %d ms after its parent was killed%n", broker,
          (System.nanoTime() - killed) / 1_000_000);
      assertThat(Files.readString(clusterDir.resolve("broker-1").resolve("broker.log")))
          .contains("is gone: stopping");
    } finally {
      parent.destroyForcibly();
      if (clusterDir != null) {
        PrivateFiles.deleteRecursively(clusterDir);
      }
    }
  }
}
