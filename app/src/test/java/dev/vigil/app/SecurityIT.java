package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.ingest.identity.Tokens;
import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Caller;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication, roles, workspace isolation, tokens at rest, TLS versions, plain HTTP, the per-token
 * rate limit and what the logs say, against one {@code VigilServer} over real HTTPS.
 */
class SecurityIT {
  private static final double RATE = 5;
  private static final int BURST = 5;

  @TempDir Path dir;

  /** Every token this test issued, with where it came from. */
  private final Map<String, String> issued = new LinkedHashMap<>();

  /** Captures what Vigil logs at INFO and above in memory, as production would print it. */
  static final class Capture extends AbstractAppender {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    Capture() {
      super("capture", null, null, true, Property.EMPTY_ARRAY);
    }

    /** A started capture of the root logger's INFO and above; {@link #detach} removes it. */
    static Capture attach() {
      Capture capture = new Capture();
      capture.start();
      LoggerContext logging = (LoggerContext) LogManager.getContext(false);
      logging.getConfiguration().getRootLogger().addAppender(capture, Level.INFO, null);
      logging.updateLoggers();
      return capture;
    }

    void detach() {
      LoggerContext logging = (LoggerContext) LogManager.getContext(false);
      logging.getConfiguration().getRootLogger().removeAppender(getName());
      logging.updateLoggers();
    }

    @Override
    public void append(LogEvent event) {
      if (event.getLevel().isMoreSpecificThan(Level.INFO)) {
        StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " "
            + event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
          line.append(" | ").append(t);
        }
        lines.add(line.toString());
      }
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void tokensRolesWorkspacesTlsRateLimitAndLogs() throws Exception {
    Capture capture = Capture.attach();
    Path data = dir.resolve("data");
    try (VigilServer server = VigilServer.start(
        VigilConfig.forTests(data).with(Settings.INGEST_RATE, RATE).with(Settings.INGEST_BURST, BURST));
        ClusterRegistry second = new ClusterRegistry(server.kafkaClientProperties())) {
      Https https = Https.of(server);
      String admin = Files.readString(data.resolve("admin.token")).trim();
      second.start();
      assertThat(second.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();

      // Workspaces a and b: an admin each, and a reader in a; issued through a second registry.
      String adminA = apiToken(second, "a", ApiToken.ROLE_ADMIN);
      String readerA = apiToken(second, "a", ApiToken.ROLE_READER);
      String adminB = apiToken(second, "b", ApiToken.ROLE_ADMIN);
      String readerDefault = apiToken(second, "default", ApiToken.ROLE_READER);
      for (String t : List.of(adminA, readerA, adminB, readerDefault)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> https.get("/v1/clusters", t).status() == 200);
      }
      String clusterA = issue(https.addCluster(adminA, "a-prod"), "cluster a-prod");
      String clusterB = issue(https.addCluster(adminB, "b-prod"), "cluster b-prod");
      String clusterDefault = issue(https.addCluster(admin, "demo"), "cluster demo");

      unauthenticated(https, server, second);
      readerWrites(https, readerA, readerDefault);
      int crossReads = workspaces(https, adminA, readerA, clusterA, adminB, clusterB);
      lookupIsByHash(server, clusterB, adminA);
      rateLimit(https, clusterDefault, clusterA);
      tlsVersions(server);
      plainHttpRefused(server);
      String marker = eventContentsNotLogged(https, admin, capture);

      // Tokens at rest: read every topic decompressed, then stop and grep every file of the data dir.
      Map<String, String> leaks = new LinkedHashMap<>();
      topicsContaining(server.kafkaClientProperties(), issued.keySet())
          .forEach((token, topic) -> leaks.put(issued.get(token), "topic " + topic));
      server.close();
      List<Path> files;
      try (Stream<Path> walk = Files.walk(data)) {
        files = walk.filter(Files::isRegularFile).toList();
      }
      List<String> all = new ArrayList<>(issued.keySet());
      all.add(admin);
      for (Path file : files) {
        byte[] bytes = Files.readAllBytes(file);
        for (String token : all) {
          boolean allowed = token.equals(admin) && file.equals(data.resolve("admin.token"));
          if (!allowed && indexOf(bytes, token.getBytes(StandardCharsets.UTF_8)) >= 0) {
            leaks.put(issued.getOrDefault(token, "admin token"), "file " + data.relativize(file));
          }
        }
      }
      List<String> logLines = new ArrayList<>(capture.lines);
      for (String token : all) {
        logLines.stream().filter(l -> l.contains(token)).forEach(l -> leaks.put("token in log", l));
      }
      System.out.printf("SECURITY tokens issued=%d, files scanned=%d, log lines scanned=%d, leaks=%d %s%n",
          all.size(), files.size(), logLines.size(), leaks.size(), leaks);
      assertThat(leaks).isEmpty();
      assertThat(logLines).noneMatch(l -> l.contains(marker));
      System.out.printf("SECURITY cross-workspace attempts=%d, leaks=0; log lines at INFO+ with the event marker=0%n",
          crossReads);
    } finally {
      capture.detach();
    }
  }

  private String issue(String token, String what) {
    issued.put(token, what);
    return token;
  }

  private String apiToken(ClusterRegistry registry, String workspace, String role) {
    String token = Tokens.newApiToken();
    registry.ensureApiToken(token, workspace, role, "security test " + role + " of " + workspace);
    return issue(token, role + " of " + workspace);
  }

  private static void assertError(Https.Answer a, int status, String code, String what) {
    assertThat(a.status()).as(what + ": " + a.body()).isEqualTo(status);
    assertThat(a.json().path("error").asText()).as(what).isEqualTo(code);
    assertThat(a.json().path("message").asText()).as(what).isNotBlank();
  }

  /** No, unknown, malformed and revoked tokens: 401 on every route that needs one. */
  private void unauthenticated(Https https, VigilServer server, ClusterRegistry second) throws Exception {
    String revoked = https.addCluster(Files.readString(server.dataDir().adminToken()).trim(), "gone");
    issue(revoked, "cluster gone (revoked)");
    assertThat(https.method("DELETE", "/v1/clusters/gone", Files.readString(server.dataDir().adminToken()).trim(), null)
        .status()).isEqualTo(204);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    List<String> bad = new ArrayList<>();
    bad.add(null);
    bad.add("vgc_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    bad.add("vga_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    bad.add("x".repeat(1_000));
    bad.add("");
    bad.add(revoked);
    List<String[]> routes = List.of(
        new String[] {"POST", "/v1/audit", "{}"}, new String[] {"GET", "/v1/alerts", null},
        new String[] {"GET", "/v1/alerts/some-id", null}, new String[] {"GET", "/v1/clusters", null},
        new String[] {"POST", "/v1/clusters", "{\"name\":\"x\"}"}, new String[] {"GET", "/v1/clusters/demo", null},
        new String[] {"DELETE", "/v1/clusters/demo", null}, new String[] {"POST", "/v1/clusters/demo/simulate", null});
    int tried = 0;
    for (String token : bad) {
      for (String[] route : routes) {
        assertError(https.method(route[0], route[1], token, route[2]), 401, "unauthorized",
            route[0] + " " + route[1] + " with " + (token == null ? "no token" : token.length() + " chars"));
        tried++;
      }
    }
    Https.Answer basic = https.send(https.request("/v1/alerts", null).header("Authorization", "Basic dXNlcjpwYXNz").GET().build());
    assertError(basic, 401, "unauthorized", "Basic credentials");
    assertThat(second.resolve(revoked)).isEmpty();
    System.out.printf("SECURITY unauthenticated requests=%d, all 401%n", tried + 1);
  }

  /** A reader may read but every write answers 403. */
  private void readerWrites(Https https, String readerA, String readerDefault) throws Exception {
    assertThat(https.get("/v1/alerts", readerA).status()).isEqualTo(200);
    assertThat(https.get("/v1/clusters", readerDefault).status()).isEqualTo(200);
    int tried = 0;
    for (String reader : List.of(readerA, readerDefault)) {
      String cluster = reader.equals(readerA) ? "a-prod" : "demo";
      assertError(https.postJson("/v1/clusters", reader, "{\"name\":\"by-reader\"}"), 403, "forbidden", "reader adds a cluster");
      assertError(https.method("DELETE", "/v1/clusters/" + cluster, reader, null), 403, "forbidden", "reader deletes");
      assertError(https.method("POST", "/v1/clusters/" + cluster + "/simulate", reader, null), 403, "forbidden", "reader simulates");
      assertError(https.postJson("/v1/audit", reader, HostileInputIT.event("reader-push")), 403, "forbidden", "reader pushes events");
      tried += 4;
    }
    System.out.printf("SECURITY reader writes=%d, all 403%n", tried);
  }

  /** Workspace a cannot see or touch b's clusters or alerts by any route; returns the attempts made. */
  private int workspaces(Https https, String adminA, String readerA, String clusterA, String adminB, String clusterB)
      throws Exception {
    assertThat(https.method("POST", "/v1/clusters/b-prod/simulate", adminB, null).status()).isEqualTo(202);
    assertThat(https.postJson("/v1/audit", clusterA, new String(TestAlertEvent.create("alice", java.time.Instant.now()),
        StandardCharsets.UTF_8)).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> https.get("/v1/alerts?cluster=b-prod", adminB).json()
        .path("alerts").size() > 0 && https.get("/v1/alerts?cluster=a-prod", adminA).json().path("alerts").size() > 0);
    String alertB = https.get("/v1/alerts?cluster=b-prod", adminB).json().path("alerts").get(0).path("id").asText();
    assertThat(https.get("/v1/alerts/" + alertB, adminB).status()).isEqualTo(200);

    int attempts = 0;
    for (String token : List.of(adminA, readerA)) {
      JsonNode clusters = https.get("/v1/clusters", token).json().path("clusters");
      assertThat(clusters.findValuesAsText("name")).contains("a-prod").doesNotContain("b-prod", "demo");
      JsonNode alerts = https.get("/v1/alerts?limit=1000", token).json().path("alerts");
      assertThat(alerts.findValuesAsText("workspace")).containsOnly("a");
      assertThat(alerts.findValuesAsText("cluster")).doesNotContain("b-prod");
      assertThat(https.get("/v1/alerts?cluster=b-prod", token).json().path("alerts").size()).isZero();
      assertError(https.get("/v1/alerts/" + alertB, token), 404, "not_found", "alert of b read from a");
      assertError(https.get("/v1/clusters/b-prod", token), 404, "not_found", "cluster of b read from a");
      attempts += 5;
    }
    assertError(https.method("DELETE", "/v1/clusters/b-prod", adminA, null), 404, "not_found", "a deletes b's cluster");
    assertError(https.method("POST", "/v1/clusters/b-prod/simulate", adminA, null), 404, "not_found", "a simulates as b");
    Https.Answer intoB = https.postJson("/v1/clusters", adminA, "{\"name\":\"planted\",\"workspace\":\"b\"}");
    assertThat(intoB.status()).as(intoB.body()).isEqualTo(403);
    assertError(https.get("/v1/alerts", clusterA), 403, "forbidden", "a cluster token reads alerts");
    assertError(https.get("/v1/clusters", clusterA), 403, "forbidden", "a cluster token lists clusters");
    attempts += 5;
    assertThat(https.get("/v1/clusters/b-prod", adminB).status()).as("b's cluster untouched").isEqualTo(200);
    assertThat(https.get("/v1/clusters", adminB).json().path("clusters").findValuesAsText("name")).doesNotContain("planted");
    assertThat(clusterB).isNotBlank();
    return attempts;
  }

  /**
   * A registry that never saw a plain token (a fresh one reading the topic) resolves it: the topic
   * holds only hashes, so lookup is by hash; the comparison is {@code MessageDigest.isEqual} (see
   * {@code TokenIndex.resolve}).
   */
  private void lookupIsByHash(VigilServer server, String clusterB, String adminA) {
    try (ClusterRegistry fresh = new ClusterRegistry(server.kafkaClientProperties())) {
      fresh.start();
      assertThat(fresh.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      assertThat(fresh.resolve(clusterB)).hasValue(new Caller(Caller.CLUSTER, "b", "b-prod"));
      assertThat(fresh.resolve(adminA)).map(Caller::workspace).hasValue("a");
      assertThat(fresh.resolve(clusterB + "x")).isEmpty();
      assertThat(fresh.resolve(clusterB.substring(0, clusterB.length() - 1))).isEmpty();
      assertThat(fresh.get("b", "b-prod")).map(c -> c.tokenHash()).hasValue(dev.vigil.schemas.Fingerprints.tokenHash(clusterB));
    }
  }

  /** Past the burst a token gets 429 with Retry-After; another token is unaffected; later it passes again. */
  private void rateLimit(Https https, String limited, String other) throws Exception {
    String body = HostileInputIT.event("rate-" + UUID.randomUUID());
    int ok = 0;
    int limitedCount = 0;
    String retryAfter = null;
    for (int i = 0; i < BURST * 3; i++) {
      Https.Answer a = https.postJson("/v1/audit", limited, body);
      if (a.status() == 200) {
        ok++;
      } else {
        assertError(a, 429, "rate_limited", "over the rate");
        retryAfter = a.header("Retry-After");
        limitedCount++;
      }
    }
    assertThat(limitedCount).as("requests over the burst are refused").isGreaterThanOrEqualTo(BURST);
    assertThat(ok).isGreaterThanOrEqualTo(BURST);
    assertThat(retryAfter).isNotNull();
    assertThat(Integer.parseInt(retryAfter)).isBetween(1, 60);
    assertThat(https.postJson("/v1/audit", other, body).status()).as("another token is not limited").isEqualTo(200);
    Thread.sleep(Integer.parseInt(retryAfter) * 1000L);
    assertThat(https.postJson("/v1/audit", limited, body).status()).as("after Retry-After").isEqualTo(200);
    System.out.printf("SECURITY rate limit %.0f/s burst %d: %d requests, %d accepted, %d answered 429 (Retry-After %s)%n",
        RATE, BURST, ok + limitedCount, ok, limitedCount, retryAfter);
  }

  /** A hand-written ClientHello: TLS 1.1 gets an alert or a closed socket, TLS 1.2 a ServerHello. */
  private static void tlsVersions(VigilServer server) throws Exception {
    byte[] tls11 = serverAnswer(server.port(), clientHello(0x0302, new int[] {0xC009, 0xC00A, 0xC013, 0x002F}));
    boolean refused = tls11.length == 0 || tls11[0] == 0x15;
    assertThat(refused).as("TLS 1.1 ClientHello answered with an alert or a close, got record type "
        + (tls11.length == 0 ? "none" : tls11[0])).isTrue();
    byte[] tls12 = serverAnswer(server.port(), clientHello(0x0303, new int[] {0xC02B, 0xC02C, 0xC009}));
    assertThat(tls12.length).isGreaterThan(6);
    assertThat(tls12[0]).as("handshake record").isEqualTo((byte) 0x16);
    assertThat(tls12[5]).as("ServerHello").isEqualTo((byte) 0x02);
    System.out.printf("SECURITY TLS 1.1 ClientHello -> %s; TLS 1.2 ClientHello -> ServerHello%n",
        tls11.length == 0 ? "connection closed" : "alert " + (tls11.length > 6 ? tls11[6] : -1));
  }

  private static byte[] clientHello(int version, int[] suites) {
    ByteArrayOutputStream ext = new ByteArrayOutputStream();
    writeShorts(ext, 0x000a, 4, 2, 0x0017);                 // supported_groups: secp256r1
    ext.writeBytes(new byte[] {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00}); // ec_point_formats: uncompressed
    writeShorts(ext, 0x000d, 8, 6, 0x0403, 0x0804, 0x0401); // signature_algorithms
    ext.writeBytes(new byte[] {(byte) 0xff, 0x01, 0x00, 0x01, 0x00}); // renegotiation_info
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeShorts(body, version);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    body.writeBytes(random);
    body.write(0);                                            // no session id
    writeShorts(body, suites.length * 2);
    writeShorts(body, suites);
    body.writeBytes(new byte[] {0x01, 0x00});                 // compression: null
    writeShorts(body, ext.size());
    body.writeBytes(ext.toByteArray());
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.writeBytes(new byte[] {0x16, 0x03, 0x01});
    writeShorts(record, body.size() + 4);
    record.write(0x01);                                       // ClientHello
    record.writeBytes(new byte[] {0, (byte) (body.size() >> 8), (byte) body.size()});
    record.writeBytes(body.toByteArray());
    return record.toByteArray();
  }

  private static void writeShorts(ByteArrayOutputStream out, int... values) {
    for (int v : values) {
      out.write(v >> 8);
      out.write(v);
    }
  }

  private static byte[] serverAnswer(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[16];
      int n = 0;
      try {
        int r;
        while (n < 7 && (r = in.read(buf, n, buf.length - n)) > 0) {
          n += r;
        }
      } catch (IOException e) {
        // A reset is a refusal too.
      }
      return java.util.Arrays.copyOf(buf, n);
    }
  }

  /** Plain HTTP on the HTTPS port gets no HTTP answer. */
  private static void plainHttpRefused(VigilServer server) throws Exception {
    byte[] answer = serverAnswer(server.port(),
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    String text = new String(answer, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotStartWith("HTTP/");
    System.out.printf("SECURITY plain HTTP on the HTTPS port -> %s%n",
        answer.length == 0 ? "connection closed" : "non-HTTP bytes (TLS record type " + answer[0] + ")");
  }

  /** Pushes events carrying a marker in every field and item shape; the marker appears in no log line. */
  private String eventContentsNotLogged(Https https, String admin, Capture capture) throws Exception {
    String marker = "VIGIL-LOG-MARKER-" + UUID.randomUUID();
    String token = https.addCluster(admin, "logs");
    issue(token, "cluster logs");
    String good = HostileInputIT.event(marker + "-ok").replace("hostile-user", marker)
        .replace("/api/v1/pods", "/api/v1/pods/" + marker);
    String badKind = "{\"kind\":\"" + marker + "\",\"auditID\":\"" + marker + "\"}";
    String badTime = HostileInputIT.event(marker + "-t").replace("2024-05-01T10:00:00Z", marker);
    int before = capture.lines.size();
    assertThat(https.postJson("/v1/audit", token, "{\"kind\":\"EventList\",\"items\":[" + good + "," + badKind + ","
        + badTime + "]}").json().path("accepted").asInt()).isEqualTo(1);
    assertThat(https.postJson("/v1/audit", token, "{\"verb\":\"" + marker).status()).isEqualTo(400);
    String privileged = Files.readString(dev.vigil.schemas.testing.Corpus.falcoTraces()
        .resolve("create_nginx_pod_privileged.json")).trim().replace("nginx", marker.toLowerCase(java.util.Locale.ROOT));
    assertThat(https.postJson("/v1/audit", token, privileged).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> https.get("/v1/alerts?cluster=logs", admin).json()
        .path("alerts").size() > 0);
    assertThat(capture.lines.size()).as("the capture sees Vigil's INFO lines").isGreaterThan(0);
    System.out.printf("SECURITY log capture: %d lines at INFO+ while pushing events with the marker, %d contain it%n",
        capture.lines.size() - before,
        capture.lines.stream().filter(l -> l.contains(marker) || l.contains(marker.toLowerCase(java.util.Locale.ROOT))).count());
    return marker;
  }

  /** For each token found in some topic (keys, values or headers, read decompressed), that topic. */
  private static Map<String, String> topicsContaining(Map<String, Object> client, java.util.Set<String> tokens)
      throws Exception {
    Map<String, String> found = new LinkedHashMap<>();
    try (Admin admin = Admin.create(client)) {
      for (String topic : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
        try (TopicReader reader = new TopicReader(client, topic, false)) {
          for (ConsumerRecord<String, byte[]> r : reader.readToEnd(Duration.ofSeconds(30))) {
            for (String token : tokens) {
              byte[] needle = token.getBytes(StandardCharsets.UTF_8);
              boolean hit = (r.key() != null && r.key().contains(token))
                  || (r.value() != null && indexOf(r.value(), needle) >= 0);
              for (Header h : r.headers()) {
                hit |= h.value() != null && indexOf(h.value(), needle) >= 0;
              }
              if (hit) {
                found.put(token, topic);
              }
            }
          }
        }
      }
    }
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
