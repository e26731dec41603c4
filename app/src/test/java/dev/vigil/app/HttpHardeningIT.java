package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.ingest.WorkspaceQuotas;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.schemas.Fingerprints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22's findings of the HTTPS API against one {@code VigilServer}: token listing, revocation
 * and expiry (9), quotas and paging (9), log flooding by anonymous malformed requests (7), header
 * timeout and connection limit (6), and {@code /metrics} behind a token (11).
 */
class HttpHardeningIT {
  private static final int MAX_CONNECTIONS = 12;
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void tokensQuotasLogsConnectionsAndMetrics() throws Exception {
    SecurityIT.Capture capture = SecurityIT.Capture.attach();
    Path data = dir.resolve("data");
    VigilConfig config = VigilConfig.forTests(data)
        .with(Settings.MAX_CONNECTIONS, MAX_CONNECTIONS)
        .with(Settings.IDLE_TIMEOUT, Duration.ofSeconds(30))
        .with(Settings.HEADER_TIMEOUT, HEADER_TIMEOUT)
        .with(Settings.METRICS_TOKEN, true)
        .with(Settings.MAX_CLUSTERS, 2)
        .with(Settings.MAX_LABELS, 4)
        .with(Settings.MAX_LABEL_BYTES, 256)
        .with(Settings.MAX_TOKENS, 5);
    try (VigilServer server = VigilServer.start(config);
        ClusterRegistry second = new ClusterRegistry(server.kafkaClientProperties())) {
      second.start();
      assertThat(second.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      Https https = Https.of(server);
      String admin = Files.readString(data.resolve("admin.token")).trim();

      tokenLifecycle(https, admin, second);
      quotasAndPaging(https, admin);
      cliListsAndRevokes(https, admin, data);
      metricsNeedAnAdminOfDefault(https, admin);
      malformedRequestsDoNotFloodTheLog(https, capture);
      halfHeadersAreCut(https);
      connectionsBeyondTheLimitAreClosed(https, server);
    } finally {
      capture.detach();
    }
  }

  private static JsonNode created(Https.Answer a) {
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json();
  }

  /** Finding 9: list without secrets, revoke at once on every instance, expiry, workspaces apart. */
  private static void tokenLifecycle(Https https, String admin, ClusterRegistry second) throws Exception {
    JsonNode reader = created(https.postJson("/v1/tokens", admin,
        "{\"role\":\"reader\",\"workspace\":\"a\",\"description\":\"analyst\"}"));
    String readerToken = reader.path("token").asText();
    String readerId = reader.path("id").asText();
    String adminA = created(https.postJson("/v1/tokens", admin, "{\"role\":\"admin\",\"workspace\":\"a\"}"))
        .path("token").asText();
    String adminB = created(https.postJson("/v1/tokens", admin, "{\"role\":\"admin\",\"workspace\":\"b\"}"))
        .path("token").asText();
    assertThat(https.get("/v1/alerts", readerToken).status()).isEqualTo(200);

    // Listing: ids, roles, descriptions, times, last use — never the token or its hash.
    Https.Answer list = https.get("/v1/tokens", adminA);
    assertThat(list.status()).isEqualTo(200);
    JsonNode listed = null;
    for (JsonNode t : list.json().path("tokens")) {
      if (t.path("id").asText().equals(readerId)) {
        listed = t;
      }
    }
    assertThat(listed).isNotNull();
    assertThat(listed.path("role").asText()).isEqualTo("reader");
    assertThat(listed.path("description").asText()).isEqualTo("analyst");
    assertThat(listed.hasNonNull("lastUsedAt")).isTrue();
    assertThat(list.body()).doesNotContain(readerToken).doesNotContain(Fingerprints.tokenHash(readerToken))
        .doesNotContain("tokenHash");

    // Another workspace's admin neither sees nor revokes it.
    assertThat(https.get("/v1/tokens?workspace=a", adminB).status()).isEqualTo(403);
    assertThat(https.method("DELETE", "/v1/tokens/" + readerId, adminB, null).status()).isEqualTo(404);
    assertThat(https.get("/v1/tokens", adminB).body()).doesNotContain(readerId);
    assertThat(https.get("/v1/alerts", readerToken).status()).isEqualTo(200);
    // Readers do not manage tokens.
    assertThat(https.get("/v1/tokens", readerToken).status()).isEqualTo(403);

    // Revocation: 401 on the very next request, and every instance drops it.
    assertThat(second.resolve(readerToken)).isPresent();
    assertThat(https.method("DELETE", "/v1/tokens/" + readerId, adminA, null).status()).isEqualTo(204);
    assertThat(https.get("/v1/alerts", readerToken).status()).isEqualTo(401);
    await().atMost(Duration.ofSeconds(10)).until(() -> second.resolve(readerToken).isEmpty());
    assertThat(https.method("DELETE", "/v1/tokens/" + readerId, adminA, null).status()).isEqualTo(404);

    // Expiry at creation.
    JsonNode expiring = created(https.postJson("/v1/tokens", adminA, "{\"role\":\"reader\",\"ttl\":\"PT2S\"}"));
    assertThat(expiring.hasNonNull("expiresAt")).isTrue();
    String expiringToken = expiring.path("token").asText();
    assertThat(https.get("/v1/alerts", expiringToken).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> https.get("/v1/alerts", expiringToken).status() == 401);
    assertThat(https.postJson("/v1/tokens", adminA, "{\"role\":\"reader\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}")
        .status()).isEqualTo(400);
    System.out.printf("TOKENS revoked reader 401 at once, expired reader 401, cross-workspace revoke 404%n");
  }

  /** Finding 9: quotas on tokens, clusters and labels; paging of clusters and tokens. */
  private static void quotasAndPaging(Https https, String admin) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(created(https.postJson("/v1/tokens", admin, "{\"role\":\"reader\",\"workspace\":\"q\"}"))
          .path("id").asText());
    }
    Https.Answer over = https.postJson("/v1/tokens", admin, "{\"role\":\"reader\",\"workspace\":\"q\"}");
    assertThat(over.status()).isEqualTo(422);
    assertThat(over.json().path("error").asText()).isEqualTo("quota_exceeded");
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = https.get("/v1/tokens?workspace=q&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), admin)
          .json();
      assertThat(page.path("tokens").size()).isLessThanOrEqualTo(2);
      page.path("tokens").forEach(t -> paged.add(t.path("id").asText()));
      cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
    } while (cursor != null);
    assertThat(paged).containsExactlyInAnyOrderElementsOf(ids);

    String labels = "{\"name\":\"many-labels\",\"labels\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\"}}";
    assertThat(https.postJson("/v1/clusters", admin, labels).status()).isEqualTo(422);
    String big = "{\"name\":\"big-labels\",\"labels\":{\"a\":\"" + "x".repeat(300) + "\"}}";
    assertThat(https.postJson("/v1/clusters", admin, big).status()).isEqualTo(422);
    https.addCluster(admin, "quota-1");
    https.addCluster(admin, "quota-2");
    Https.Answer third = https.postJson("/v1/clusters", admin, "{\"name\":\"quota-3\"}");
    assertThat(third.status()).isEqualTo(422);
    assertThat(third.json().path("message").asText()).contains("quota");
    JsonNode first = https.get("/v1/clusters?limit=1", admin).json();
    assertThat(first.path("clusters").size()).isEqualTo(1);
    assertThat(first.path("nextCursor").asText()).isEqualTo("quota-1");
    JsonNode rest = https.get("/v1/clusters?limit=1&cursor=quota-1", admin).json();
    assertThat(rest.path("clusters").get(0).path("name").asText()).isEqualTo("quota-2");
    assertThat(https.get("/v1/clusters?limit=0", admin).status()).isEqualTo(400);
  }

  /** Finding 9: {@code vigil token list} and {@code vigil token rm}. */
  private static void cliListsAndRevokes(Https https, String admin, Path data) throws Exception {
    JsonNode made = created(https.postJson("/v1/tokens", admin, "{\"role\":\"reader\",\"description\":\"cli\"}"));
    String id = made.path("id").asText();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Vigil.execute(new PrintWriter(out), new PrintWriter(err), "token", "list", "--data-dir",
        data.toString());
    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString()).contains(id).contains("cli").doesNotContain(made.path("token").asText());
    status = Vigil.execute(new PrintWriter(out), new PrintWriter(err), "token", "rm", id, "--data-dir",
        data.toString());
    assertThat(status).as(err.toString()).isZero();
    assertThat(https.get("/v1/alerts", made.path("token").asText()).status()).isEqualTo(401);
  }

  /** Finding 11: with --metrics-token, /metrics is for admins of default only, and names no tenant. */
  private static void metricsNeedAnAdminOfDefault(Https https, String admin) throws Exception {
    assertThat(https.get("/metrics", null).status()).isEqualTo(401);
    String reader = created(https.postJson("/v1/tokens", admin, "{\"role\":\"reader\"}")).path("token").asText();
    assertThat(https.get("/metrics", reader).status()).isEqualTo(403);
    Https.Answer metrics = https.get("/metrics", admin);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("vigil_clusters").doesNotContain("quota-1").doesNotContain("workspace=");
  }

  /** Finding 7: an anonymous GET /x%ZZ is a 400 and at most one WARN line per cause, no stack trace. */
  private static void malformedRequestsDoNotFloodTheLog(Https https, SecurityIT.Capture capture) throws Exception {
    int before = capture.lines.size();
    for (int i = 0; i < 30; i++) {
      try (SSLSocket socket = https.socket()) {
        OutputStream out = socket.getOutputStream();
        out.write("GET /x%ZZ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Https.Answer answer = Https.readResponse(socket.getInputStream());
        assertThat(answer.status()).isEqualTo(400);
      }
    }
    List<String> lines = new ArrayList<>(capture.lines.subList(before, capture.lines.size()));
    System.out.printf("LOGS 30 anonymous GET /x%%ZZ -> %d log lines: %s%n", lines.size(), lines);
    assertThat(lines).noneMatch(l -> l.startsWith("ERROR"));
    assertThat(lines).noneMatch(l -> l.contains(" | "));
    assertThat(lines.size()).isLessThanOrEqualTo(1);
  }

  /** Finding 6: a request with half its headers is closed within the header timeout (plus the sweep). */
  private static void halfHeadersAreCut(Https https) throws Exception {
    try (SSLSocket socket = https.socket()) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Half: "
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      long start = System.nanoTime();
      boolean closed = closedByServer(socket.getInputStream());
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("CONNECTIONS half headers closed after %d ms (header timeout %d ms)%n", millis,
          HEADER_TIMEOUT.toMillis());
      assertThat(closed).isTrue();
      assertThat(millis).isLessThan(HEADER_TIMEOUT.toMillis() + 3_000);
    }
  }

  /** Finding 6: connections beyond --max-connections are closed as soon as they are accepted. */
  private static void connectionsBeyondTheLimitAreClosed(Https https, VigilServer server) throws Exception {
    List<SSLSocket> held = new ArrayList<>();
    try {
      while (server.connections().openConnections() < MAX_CONNECTIONS) {
        SSLSocket socket = https.socket();
        held.add(socket);
        int opened = held.size();
        await().atMost(Duration.ofSeconds(2)).until(() -> server.connections().openConnections() >= opened
            || server.connections().openConnections() >= MAX_CONNECTIONS);
      }
      long refusedBefore = server.connections().refused();
      try (SSLSocket extra = https.socket()) {
        extra.setSoTimeout(5_000);
        assertThat(closedByServer(extra.getInputStream())).isTrue();
      } catch (IOException closedDuringHandshake) {
        // also refused
      }
      assertThat(server.connections().refused()).isGreaterThan(refusedBefore);
      System.out.printf("CONNECTIONS %d open, one more closed at once (refused %d)%n", MAX_CONNECTIONS,
          server.connections().refused());
    } finally {
      for (SSLSocket socket : held) {
        socket.close();
      }
    }
  }

  private static boolean closedByServer(InputStream in) {
    try {
      while (in.read() != -1) {
        // drain whatever the server says before it closes
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
