package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.ingest.IngestLimits;
import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stopped for 30 s under load: the gateway answers 503 with {@code Retry-After} at once
 * instead of hanging, threads and heap stay bounded, it recovers by itself when the broker returns on
 * the same port and data, and retrying clients lose nothing: every acknowledged event is on the raw
 * topic and processed exactly once (the test alert's count equals the test events on the raw topic).
 */
class BrokerOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final String CLUSTER = "outage";

  @TempDir Path dir;

  /** The broker's credentials, passed as an operator passes an external cluster's: {@code --kafka-property}. */
  private static Map<String, String> credentials(EmbeddedKafka broker) {
    Map<String, String> client = new HashMap<>(broker.clientProperties());
    client.remove("bootstrap.servers");
    return client;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void gatewayRefusesFastDuringABrokerOutageAndRetryingClientsLoseNothing() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path brokerDir = dir.resolve("broker");
    EmbeddedKafka broker = EmbeddedKafka.start(brokerDir, port);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (VigilServer server = VigilServer.start(
        VigilConfig.forTests(dir.resolve("vigil")).with(Settings.KAFKA_BOOTSTRAP, broker.bootstrapServers())
            .with(Settings.KAFKA_PROPERTY, credentials(broker)))) {
      Https https = Https.of(server);
      String admin = Files.readString(dir.resolve("vigil/admin.token")).trim();
      String token = https.addCluster(admin, CLUSTER);

      LoadClient load = new LoadClient(https, token, 4, 20, Duration.ofMillis(100)).start();
      await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged.size() >= 1_000);
      int threadsBefore = threads.getThreadCount();

      long stopAt = System.nanoTime();
      broker.close();
      int maxThreads = 0;
      long maxHeap = 0;
      while (System.nanoTime() - stopAt < OUTAGE.toNanos()) {
        maxThreads = Math.max(maxThreads, threads.getThreadCount());
        maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
        assertThat(https.get("/healthz", null).status()).isEqualTo(200);
        Thread.sleep(500);
      }
      int acknowledgedAtRestart = load.acknowledged.size();
      long restartAt = System.nanoTime();
      broker = EmbeddedKafka.start(brokerDir, port);
      await().atMost(Duration.ofSeconds(90)).until(() -> load.lastOkNanos.get() > restartAt);
      long recoveryMs = (load.lastOkNanos.get() - restartAt) / 1_000_000;
      await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged.size() >= acknowledgedAtRestart + 1_000);
      load.stop(Duration.ofSeconds(60));

      // The outage's answers: 503 with Retry-After; those that did not wait on Kafka are immediate.
      List<LoadClient.Refusal> during = new ArrayList<>();
      synchronized (load.refusals) {
        for (LoadClient.Refusal r : load.refusals) {
          if (r.atNanos() >= stopAt && r.atNanos() < restartAt) {
            during.add(r);
          }
        }
      }
      assertThat(during).isNotEmpty().allSatisfy(r -> {
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.retryAfter()).isTrue();
      });
      long[] micros = during.stream().mapToLong(LoadClient.Refusal::micros).sorted().toArray();
      long p50 = micros[micros.length / 2];
      long p95 = micros[(int) (micros.length * 0.95)];
      long p99 = micros[(int) (micros.length * 0.99)];
      long max = micros[micros.length - 1];
      long slow = during.stream().filter(r -> r.micros() > 100_000).count();
      long overOneSecond = during.stream().filter(r -> r.micros() > 1_000_000).count();
      // The answers sent while the gateway had not yet noticed the outage (its probe's bound).
      long beforeNoticed = during.stream().filter(r -> r.atNanos() - stopAt < 2_000_000_000L).count();
      long p999 = micros[(int) (micros.length * 0.999)];
      System.out.printf("OUTAGE 503 answers=%d p50=%.1fms p95=%.1fms p99=%.1fms p99.9=%.1fms max=%.1fms over100ms=%d "
              + "over1s=%d (requests that waited on Kafka: those in flight until the gateway noticed the outage); "
              + "requests sent in the first 2 s of the outage=%d; load average=%.1f%n",
          micros.length, p50 / 1000.0, p95 / 1000.0, p99 / 1000.0, p999 / 1000.0, max / 1000.0, slow,
          overOneSecond, beforeNoticed, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      System.out.printf("OUTAGE threads before=%d maxDuring=%d heapMaxDuring=%dMB heapLimit=%dMB recoveryAfterRestart=%dms%n",
          threadsBefore, maxThreads, maxHeap >> 20, memory.getHeapMemoryUsage().getMax() >> 20, recoveryMs);
      assertThat(p50).as("median 503 answer time, microseconds").isLessThan(100_000);
      assertThat(p95).as("95th percentile 503 answer time, microseconds").isLessThan(1_000_000);
      // The gateway notices the outage in the background and answers the requests waiting on Kafka:
      // none waits for the ack timeout (before, those in flight at the stop waited all of it).
      assertThat(max).as("slowest 503 answer, microseconds, against the ack timeout")
          .isLessThan(IngestLimits.DEFAULT_ACK_TIMEOUT.toNanos() / 1000);
      assertThat(maxThreads).as("no thread per waiting request").isLessThan(threadsBefore + 50);
      assertThat(maxHeap).isLessThan(memory.getHeapMemoryUsage().getMax() * 3 / 4);

      // Nothing acknowledged is lost, and every event on the raw topic is processed exactly once.
      Map<String, Integer> onRaw = new HashMap<>();
      try (TopicReader raw = new TopicReader(broker.clientProperties(), Topics.AUDIT_RAW.name(), false)) {
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
          .until(() -> testAlertCount(https, admin, CLUSTER) >= rawRecords);
      Thread.sleep(3_000);
      long alertCount = testAlertCount(https, admin, CLUSTER);
      long lost = load.acknowledged.stream().filter(id -> !onRaw.containsKey(id)).count();
      System.out.printf("OUTAGE events sent=%d acknowledged=%d onRawTopic=%d (records %d, re-sent duplicates %d) "
              + "lost=%d processed(alert count)=%d statuses=%s%n",
          load.eventsSent.get(), load.acknowledged.size(), onRaw.size(), rawRecords, rawRecords - onRaw.size(),
          lost, alertCount, load.byStatus);
      assertThat(lost).isZero();
      assertThat(alertCount).as("each raw test event counted once in its alert").isEqualTo(rawRecords);
      assertThat(testAlerts(https, admin, CLUSTER)).hasSize(1);
    } finally {
      broker.close();
    }
  }

  static List<JsonNode> testAlerts(Https https, String admin, String cluster) throws Exception {
    Https.Answer a = https.get("/v1/alerts?cluster=" + cluster + "&type=K8S_TestAlert&limit=1000", admin);
    List<JsonNode> alerts = new ArrayList<>();
    a.json().path("alerts").forEach(alerts::add);
    return alerts;
  }

  static long testAlertCount(Https https, String admin, String cluster) throws Exception {
    return testAlerts(https, admin, cluster).stream().mapToLong(n -> n.path("count").asLong()).sum();
  }
}
