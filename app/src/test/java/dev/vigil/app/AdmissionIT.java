package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-cluster admission on a real `vigil up`: one cluster floods flat out while another sends a
 * test-alert event every second. With a tiny lag bound detection is "behind" whenever the flood gets
 * ahead of it, so the flooder is answered 429 (with Retry-After) and retries, while every request
 * of the quiet cluster is accepted and alerted, and no acknowledged event of either is lost.
 */
class AdmissionIT {

  private static final int QUIET_EVENTS = 10;

  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aFloodingClusterIsThrottledWhileAQuietClustersEventsAreAcceptedAndAlerted() throws Exception {
    VigilConfig tight = VigilConfig.forTests(dir)
        .with(Settings.MAX_DETECTION_LAG, Duration.ofMillis(1))
        .with(Settings.MIN_CLUSTER_RATE, 200);
    try (VigilServer server = VigilServer.start(tight)) {
      Https https = Https.of(server);
      String admin = Files.readString(dir.resolve("admin.token")).trim();
      String floodToken = https.addCluster(admin, "flood");
      String quietToken = https.addCluster(admin, "quiet");

      LoadClient flood = new LoadClient(https, floodToken, 4, 400, Duration.ofMillis(50)).start();
      List<Integer> quietStatuses = new ArrayList<>();
      for (int i = 0; i < QUIET_EVENTS; i++) {
        String event = new String(TestAlertEvent.create("quiet-" + i, Instant.now()), StandardCharsets.UTF_8);
        quietStatuses.add(https.postJson("/v1/audit", quietToken, event).status());
        Thread.sleep(1_000);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> flood.byStatus.containsKey(429));
      flood.stop(Duration.ofSeconds(60));

      assertThat(quietStatuses).as("the quiet cluster is never refused").containsOnly(200);
      List<LoadClient.Refusal> throttled;
      synchronized (flood.refusals) {
        throttled = flood.refusals.stream().filter(r -> r.status() == 429).toList();
      }
      assertThat(throttled).isNotEmpty().allSatisfy(r -> assertThat(r.retryAfter()).isTrue());

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .until(() -> BrokerOutageIT.testAlertCount(https, admin, "quiet") == QUIET_EVENTS);
      long acknowledged = flood.acknowledged.size();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
          .until(() -> BrokerOutageIT.testAlertCount(https, admin, "flood") >= acknowledged);
      if (flood.byStatus.keySet().stream().allMatch(s -> s == 200 || s == 429)) {
        // Refused requests stored nothing; only a timed-out one could have been stored twice.
        assertThat(BrokerOutageIT.testAlertCount(https, admin, "flood")).isEqualTo(acknowledged);
      }

      String metrics = https.get("/metrics", null).body();
      assertThat(counter(metrics, "vigil_ingest_cluster_throttled_total", "default/flood"))
          .isEqualTo(throttled.size());
      assertThat(counter(metrics, "vigil_ingest_cluster_throttled_total", "default/quiet")).isZero();
      assertThat(counter(metrics, "vigil_ingest_cluster_events_total", "default/quiet"))
          .isEqualTo(QUIET_EVENTS);
      assertThat(metrics).contains("vigil_detection_lag_seconds", "vigil_detection_processing_rate");
      System.out.printf("ADMISSION flood acknowledged=%d throttled=%d statuses=%s%n",
          acknowledged, throttled.size(), flood.byStatus);
    }
  }

  private static double counter(String metrics, String name, String cluster) {
    Matcher m = Pattern.compile("^" + name + "\\{cluster=\"" + Pattern.quote(cluster) + "\"[^}]*} (\\S+)$",
        Pattern.MULTILINE).matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
