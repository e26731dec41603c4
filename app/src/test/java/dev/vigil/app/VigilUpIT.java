package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.testing.Corpus;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: a real {@code vigil up} process core on the embedded KRaft broker
 * over real HTTPS, driven through the {@code vigil} command line.
 */
class VigilUpIT {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  Run vigil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  JsonNode alerts() throws Exception {
    Run run = vigil("alerts", "--json", "--data-dir", dir.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    return Json.mapper().readTree(run.out());
  }

  static boolean hasType(JsonNode alerts, String type) {
    for (JsonNode alert : alerts) {
      if (alert.path("alertType").asText().equals(type)) {
        return true;
      }
    }
    return false;
  }

  /** Health, readiness, metrics and the JSON error of an unknown endpoint, over the real HTTPS port. */
  private static void assertServiceEndpoints(VigilServer server) throws Exception {
    HttpClient http = HttpClient.newBuilder()
        .sslContext(TlsMaterial.clientContextTrusting(server.caCertificate())).build();
    HttpResponse<String> health = http.send(get(server, "/healthz"), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(http.send(get(server, "/readyz"), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    String metrics = http.send(get(server, "/metrics"), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("vigil_ingest_events_total{result=\"accepted\"}",
        "vigil_detection_events_total", "vigil_findings_total{type=\"K8S_TestAlert\"}",
        "vigil_alert_latency_seconds_bucket",
        // named by deploy/prometheus/vigil-rules.yml and deploy/grafana/vigil-dashboard.json
        "vigil_clusters{state=\"Healthy\"} 1.0", "kafka_consumer_fetch_manager_records_lag_max{");
    assertThat(metrics).containsPattern("vigil_alerts_published_total\\{[^}]*type=\"K8S_TestAlert\"");
    // The memory budget, the shared RocksDB cache and the state stores (MemoryMonitor). The stores are
    // sampled when an application enters RUNNING and every 15 s: a rebalance after "ready" (one CI run
    // scraped between two) may leave them to the next sample, so the scrape is repeated until then.
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      String sampled = http.send(get(server, "/metrics"), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(sampled).contains("vigil_memory_budget_bytes{part=\"heap\"}", "vigil_memory_rss_bytes",
          "vigil_memory_heap_after_gc_bytes", "vigil_rocksdb_block_cache_usage_bytes",
          "vigil_rocksdb_memtable_bytes{application=\"vigil-detection\"}",
          "vigil_state_store_keys{application=\"vigil-alerts\",store=\"alerts-by-fingerprint-v1\"}",
          "vigil_state_store_sst_bytes{application=\"vigil-detection\",store=\"stage-dedup-v2\"}");
      assertThat(sampled).doesNotContain("vigil_memory_rss_bytes -1");
    });
    HttpResponse<String> missing = http.send(get(server, "/v1/nothing"), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(Json.mapper().readTree(missing.body()).path("error").asText()).isEqualTo("not_found");
  }

  private static HttpRequest get(VigilServer server, String path) {
    return HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build();
  }

  @Test
  void testAlertEndToEndAndEverythingSurvivesARestart() throws Exception {
    Path token = dir.resolve("demo.token");
    Path privilegedPod = Corpus.falcoTraces().resolve("create_nginx_pod_privileged.json");
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(dir))) {
      assertThat(Files.readString(dir.resolve("admin.token")).trim()).startsWith("vga_");
      assertThat(Files.getPosixFilePermissions(dir.resolve("admin.token")))
          .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

      Run add = vigil("cluster", "add", "demo", "--data-dir", dir.toString(), "--token-out", token.toString());
      assertThat(add.exit()).as(add.err()).isZero();
      assertThat(add.out()).contains("Ingest token", "vigil agent --server", "certificate-authority-data:",
          "--audit-webhook-config-file");
      assertThat(vigil("cluster", "list", "--data-dir", dir.toString()).out()).contains("demo", "Pending");

      Run simulate = vigil("simulate", "--cluster", "demo", "--data-dir", dir.toString());
      assertThat(simulate.exit()).as(simulate.err()).isZero();
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
          .until(() -> hasType(alerts(), "K8S_TestAlert"));
      for (JsonNode alert : alerts()) {
        SchemaAssertions.assertValid(SchemaAssertions.ALERT, alert);
      }
      assertThat(vigil("alerts", "--data-dir", dir.toString()).out()).contains("K8S_TestAlert", "demo");

      Run send = vigil("send", "--token-file", token.toString(), "--data-dir", dir.toString(),
          privilegedPod.toString());
      assertThat(send.exit()).as(send.err()).isZero();
      assertThat(send.out()).contains("accepted 1, rejected 0");
      await().atMost(Duration.ofSeconds(30)).until(() -> hasType(alerts(), "K8S_PrivilegedContainer"));
      assertThat(vigil("cluster", "list", "--data-dir", dir.toString()).out()).contains("Healthy");
      assertServiceEndpoints(server);
    }

    try (VigilServer restarted = VigilServer.start(VigilConfig.forTests(dir))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> hasType(alerts(), "K8S_TestAlert")
          && hasType(alerts(), "K8S_PrivilegedContainer"));
      Run sendAgain = vigil("send", "--token-file", token.toString(), "--data-dir", dir.toString(),
          privilegedPod.toString());
      assertThat(sendAgain.exit()).as(sendAgain.err()).isZero();

      Run rm = vigil("cluster", "rm", "demo", "--data-dir", dir.toString());
      assertThat(rm.exit()).as(rm.err()).isZero();
      Run revoked = vigil("send", "--token-file", token.toString(), "--data-dir", dir.toString(),
          privilegedPod.toString());
      assertThat(revoked.exit()).isEqualTo(1);
      assertThat(revoked.err()).contains("401");
    }
  }
}
