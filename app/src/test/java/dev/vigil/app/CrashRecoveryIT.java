package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil up} in its own JVM, killed with SIGKILL under load and started again on the same data
 * dir: every event acknowledged to a client is on the raw topic and processed exactly once (the test
 * alert's count equals the test events on the raw topic, retried duplicates included), and the
 * expected alert exists once.
 */
class CrashRecoveryIT {
  private static final Pattern BROKER = Pattern.compile("Embedded Kafka broker ready at (\\S+)");
  private static final String CLUSTER = "crash";

  @TempDir Path dir;

  /**
   * The child's logging: Vigil at INFO and, unlike the product's defaults, Kafka Streams, the group
   * coordinator and the transaction coordinator at INFO too, so that a restart that does not reach
   * RUNNING shows its state transitions, restoration, rebalances and the fate of the transactions the
   * kill left open, in the output kept by {@link #keepOutput}.
   */
  private static final String CHILD_LOGGING = """
      <Configuration status="WARN" shutdownHook="disable">
        <Appenders>
          <Console name="console" target="SYSTEM_ERR">
            <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1.} - %msg%n"/>
          </Console>
        </Appenders>
        <Loggers>
          <Logger name="dev.vigil" level="info"/>
          <Logger name="org.apache.kafka.streams.KafkaStreams" level="info"/>
          <Logger name="org.apache.kafka.streams.processor.internals" level="info"/>
          <Logger name="org.apache.kafka.clients.consumer.internals.ConsumerCoordinator" level="info"/>
          <Logger name="kafka.coordinator.transaction" level="info"/>
          <Logger name="org.apache.kafka.coordinator.transaction" level="info"/>
          <Logger name="org.apache.kafka.clients.producer.internals.TransactionManager" level="info"/>
          <Logger name="org.apache.kafka.streams.StreamsConfig" level="warn"/>
          <Root level="warn"><AppenderRef ref="console"/></Root>
        </Loggers>
      </Configuration>
      """;

  private Process vigilUp(Path data, int port, Path output) throws Exception {
    Files.deleteIfExists(data.resolve("server.url"));
    Path logging = dir.resolve("crash-recovery-log4j2.xml");
    Files.writeString(logging, CHILD_LOGGING);
    // C1 only, as for SplitRoles.child: half the CPU time to start, which both starts compete for.
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:TieredStopAtLevel=1", "-Dvigil.log.dir=" + data.resolve("logs"),
        "-Dlog4j2.configurationFile=" + logging,
        "-cp", System.getProperty("java.class.path"),
        Vigil.class.getName(), "up", "--data-dir", data.toString(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
    try {
      awaitReady(process, data, output);
    } catch (ConditionTimeoutException e) {
      keepOutput(output);
      throw e;
    }
    return process;
  }

  private static void awaitReady(Process process, Path data, Path output) {
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
      if (!process.isAlive()) {
        keepOutput(output);
      }
      assertThat(process.isAlive())
          .as("vigil up exited; its whole output is in target/crash-recovery-logs; the end of it:%n%s",
              tail(output, 80))
          .isTrue();
      return Files.exists(data.resolve("server.url"));
    });
  }

  /**
   * Copies the child's output (its log, Kafka Streams' state transitions included) out of the
   * temporary directory, which JUnit deletes, to {@code target/crash-recovery-logs}.
   */
  private static void keepOutput(Path output) throws Exception {
    Path kept = Path.of("target", "crash-recovery-logs");
    Files.createDirectories(kept);
    Files.copy(output, kept.resolve("vigil-up.out"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String tail(Path file, int lines) throws Exception {
    List<String> all = Files.readAllLines(file);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static String lastBroker(Path output) throws Exception {
    Matcher m = BROKER.matcher(Files.readString(output));
    String bootstrap = null;
    while (m.find()) {
      bootstrap = m.group(1);
    }
    return bootstrap;
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void killNineUnderLoadLosesNothingAndProcessesEachEventOnce() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path data = dir.resolve("data");
    Path output = dir.resolve("vigil.out");
    Process first = vigilUp(data, port, output);
    Process second = null;
    try {
      Https https = new Https("https://127.0.0.1:" + port, port, data.resolve("tls/ca.crt"));
      String admin = Files.readString(data.resolve("admin.token")).trim();
      String token = https.addCluster(admin, CLUSTER);

      LoadClient load = new LoadClient(https, token, 3, 20, Duration.ofMillis(200)).start();
      await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged.size() >= 1_500);
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int acknowledgedAtKill = load.acknowledged.size();

      long restartAt = System.nanoTime();
      second = vigilUp(data, port, output);
      await().atMost(Duration.ofSeconds(120)).until(() -> load.lastOkNanos.get() > restartAt);
      await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged.size() >= acknowledgedAtKill + 1_000);
      load.stop(Duration.ofSeconds(60));

      Map<String, Integer> onRaw = new HashMap<>();
      try (TopicReader raw = new TopicReader(TopicReader.client(lastBroker(output), data), Topics.AUDIT_RAW.name(), false)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          onRaw.clear();
          for (ConsumerRecord<String, byte[]> r : raw.poll()) {
            onRaw.merge(Json.mapper().readTree(r.value()).path("auditID").asText(), 1, Integer::sum);
          }
          return onRaw.keySet().containsAll(load.acknowledged);
        });
      }
      int rawRecords = onRaw.values().stream().mapToInt(Integer::intValue).sum();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> BrokerOutageIT.testAlertCount(https, admin, CLUSTER) >= rawRecords);
      // Longer than the alert flush interval: a late double count would show here.
      Thread.sleep(3_000);
      List<JsonNode> alerts = BrokerOutageIT.testAlerts(https, admin, CLUSTER);
      long alertCount = BrokerOutageIT.testAlertCount(https, admin, CLUSTER);
      long lost = load.acknowledged.stream().filter(id -> !onRaw.containsKey(id)).count();
      System.out.printf("CRASH events sent=%d acknowledged=%d (at kill %d) onRawTopic=%d (records %d, re-sent "
              + "duplicates %d) lost=%d processed(alert count)=%d alertsExpected=1 alertsFound=%d statuses=%s%n",
          load.eventsSent.get(), load.acknowledged.size(), acknowledgedAtKill, onRaw.size(), rawRecords,
          rawRecords - onRaw.size(), lost, alertCount, alerts.size(), load.byStatus);
      assertThat(lost).isZero();
      assertThat(alertCount).as("each raw test event counted once across the crash").isEqualTo(rawRecords);
      assertThat(alerts).hasSize(1);
    } finally {
      keepOutput(output);
      first.destroyForcibly();
      if (second != null) {
        second.destroy();
        if (!second.waitFor(30, TimeUnit.SECONDS)) {
          second.destroyForcibly();
        }
      }
    }
  }
}
