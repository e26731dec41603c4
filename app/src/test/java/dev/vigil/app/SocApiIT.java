package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SOC experience over real HTTPS on the embedded broker: every role × endpoint × workspace
 * combination, the alert lifecycle, the live stream with {@code Last-Event-ID}, the OCSF topic, and
 * the {@code vigil token create} and {@code vigil alerts --follow} verbs.
 */
class SocApiIT {
  static final String WS_A = "default";
  static final String WS_B = "team-b";

  @TempDir static Path dir;
  static VigilServer server;
  static HttpClient http;
  /** Caller name → bearer token; "none" sends no header, "bogus" an unknown token. */
  static final Map<String, String> TOKENS = new LinkedHashMap<>();
  static String alertA;
  static String alertB;

  record Answer(int status, JsonNode body) {}

  @BeforeAll
  static void start() throws Exception {
    server = VigilServer.start(VigilConfig.forTests(dir));
    http = HttpClient.newBuilder()
        .sslContext(TlsMaterial.clientContextTrusting(server.caCertificate()))
        .connectTimeout(Duration.ofSeconds(10)).build();
    TOKENS.put("adminA", Files.readString(dir.resolve("admin.token")).trim());
    TOKENS.put("readerA", createToken("adminA", "reader", null));
    TOKENS.put("adminB", createToken("adminA", "admin", WS_B));
    TOKENS.put("readerB", createToken("adminB", "reader", null));
    TOKENS.put("clusterA", call("adminA", "POST", "/v1/clusters", "{\"name\":\"demo\"}").body().get("token").asText());
    TOKENS.put("clusterB", call("adminB", "POST", "/v1/clusters", "{\"name\":\"bcluster\"}").body().get("token").asText());
    TOKENS.put("bogus", "vga_not-a-real-token");
    assertThat(call("adminA", "POST", "/v1/clusters/demo/simulate", null).status()).isEqualTo(202);
    assertThat(call("adminB", "POST", "/v1/clusters/bcluster/simulate", null).status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> alertsOf("readerA").size() == 1 && alertsOf("readerB").size() == 1);
    alertA = alertsOf("readerA").get(0).get("id").asText();
    alertB = alertsOf("readerB").get(0).get("id").asText();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String createToken(String as, String role, String workspace) throws Exception {
    String body = workspace == null ? "{\"role\":\"" + role + "\"}"
        : "{\"role\":\"" + role + "\",\"workspace\":\"" + workspace + "\"}";
    Answer answer = call(as, "POST", "/v1/tokens", body);
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(201);
    assertThat(answer.body().get("token").asText()).startsWith("vga_");
    return answer.body().get("token").asText();
  }

  static List<JsonNode> alertsOf(String caller) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    call(caller, "GET", "/v1/alerts", null).body().get("alerts").forEach(out::add);
    return out;
  }

  static Answer call(String caller, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
    String token = TOKENS.get(caller);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (path.endsWith("/stream")) {
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() == 200) {
        // Read the opening "ready" event, then drop the connection.
        try (InputStream in = r.body()) {
          BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
          String line;
          while ((line = reader.readLine()) != null && !line.equals("event: ready")) {
            // skip the retry line
          }
          assertThat(line).isEqualTo("event: ready");
        }
        return new Answer(200, null);
      }
      try (InputStream in = r.body()) {
        return new Answer(r.statusCode(), Json.mapper().readTree(in.readAllBytes()));
      }
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json = r.body().length == 0 ? null : Json.mapper().readTree(r.body());
    if (r.statusCode() >= 400) {
      assertThat(json).as("error body of " + method + " " + path).isNotNull();
      assertThat(json.has("error") && json.has("message")).as(json.toString()).isTrue();
    }
    return new Answer(r.statusCode(), json);
  }

  /** One row of the matrix: who calls, and what status it must get. */
  record Case(String method, String path, String body, Map<String, Integer> expected) {}

  static Map<String, Integer> expect(Object... callerAndStatus) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < callerAndStatus.length; i += 2) {
      m.put((String) callerAndStatus[i], (Integer) callerAndStatus[i + 1]);
    }
    return m;
  }

  @Test
  void everyRoleAndWorkspaceGetsExactlyWhatItIsAllowed() throws Exception {
    String event = Files.readString(dev.vigil.schemas.testing.Corpus.falcoTraces().resolve("create_nginx_pod_privileged.json"));
    List<Case> cases = List.of(
        new Case("GET", "/v1/alerts", null, expect("adminA", 200, "readerA", 200, "adminB", 200, "readerB", 200,
            "clusterA", 403, "none", 401, "bogus", 401)),
        new Case("GET", "/v1/alerts/" + alertA, null, expect("adminA", 200, "readerA", 200, "adminB", 404,
            "readerB", 404, "clusterA", 403, "clusterB", 403, "none", 401, "bogus", 401)),
        new Case("GET", "/v1/alerts/" + alertB, null, expect("adminB", 200, "readerB", 200, "adminA", 404,
            "readerA", 404)),
        new Case("PATCH", "/v1/alerts/" + alertA, "{\"status\":\"InProgress\"}", expect("readerA", 403,
            "adminB", 404, "readerB", 403, "clusterA", 403, "none", 401, "bogus", 401, "adminA", 200)),
        new Case("PATCH", "/v1/alerts/" + alertB, "{\"status\":\"InProgress\"}", expect("adminA", 404,
            "readerB", 403, "adminB", 200)),
        new Case("GET", "/v1/alerts/stream", null, expect("adminA", 200, "readerA", 200, "adminB", 200,
            "readerB", 200, "clusterA", 403, "none", 401, "bogus", 401)),
        new Case("GET", "/v1/me", null, expect("adminA", 200, "readerA", 200, "adminB", 200, "readerB", 200,
            "clusterA", 403, "none", 401, "bogus", 401)),
        new Case("GET", "/v1/clusters", null, expect("adminA", 200, "readerA", 200, "adminB", 200, "readerB", 200,
            "clusterA", 403, "none", 401, "bogus", 401)),
        new Case("GET", "/v1/clusters/demo", null, expect("adminA", 200, "readerA", 200, "adminB", 404,
            "readerB", 404, "clusterA", 403, "none", 401)),
        new Case("POST", "/v1/clusters", "{\"name\":\"c-readers\"}", expect("readerA", 403, "readerB", 403,
            "clusterA", 403, "none", 401, "bogus", 401)),
        new Case("POST", "/v1/clusters", "{\"name\":\"a-into-b\",\"workspace\":\"" + WS_B + "\"}",
            expect("adminA", 403)),
        new Case("POST", "/v1/clusters", "{\"name\":\"b-into-a\",\"workspace\":\"" + WS_A + "\"}",
            expect("adminB", 403, "adminA", 201)),
        new Case("DELETE", "/v1/clusters/b-into-a", null, expect("readerA", 403, "adminB", 404, "readerB", 404,
            "clusterA", 403, "none", 401, "adminA", 204)),
        new Case("POST", "/v1/clusters/demo/simulate", null, expect("readerA", 403, "adminB", 404, "readerB", 404,
            "clusterA", 403, "none", 401, "adminA", 202)),
        new Case("POST", "/v1/tokens", "{\"role\":\"reader\"}", expect("adminA", 201, "adminB", 201,
            "readerA", 403, "readerB", 403, "clusterA", 403, "none", 401, "bogus", 401)),
        new Case("POST", "/v1/tokens", "{\"role\":\"admin\",\"workspace\":\"" + WS_A + "\"}",
            expect("adminB", 403, "readerB", 403, "adminA", 201)),
        new Case("POST", "/v1/audit", event, expect("clusterA", 200, "clusterB", 200, "adminA", 403,
            "readerA", 403, "none", 401, "bogus", 401)));

    List<String> failures = new ArrayList<>();
    for (Case c : cases) {
      for (Map.Entry<String, Integer> e : c.expected().entrySet()) {
        Answer a = call(e.getKey(), c.method(), c.path(), c.body());
        if (a.status() != e.getValue()) {
          failures.add(c.method() + " " + c.path() + " as " + e.getKey() + ": expected " + e.getValue()
              + ", got " + a.status() + " " + a.body());
        }
      }
    }
    assertThat(failures).isEmpty();

    // What the allowed callers see is their own workspace only.
    for (String caller : List.of("adminA", "readerA")) {
      assertThat(alertsOf(caller)).allSatisfy(a -> assertThat(a.get("workspace").asText()).isEqualTo(WS_A));
      assertThat(call(caller, "GET", "/v1/clusters", null).body().get("clusters"))
          .allSatisfy(c -> assertThat(c.get("workspace").asText()).isEqualTo(WS_A));
    }
    for (String caller : List.of("adminB", "readerB")) {
      assertThat(alertsOf(caller)).allSatisfy(a -> assertThat(a.get("workspace").asText()).isEqualTo(WS_B));
      assertThat(call(caller, "GET", "/v1/clusters", null).body().get("clusters"))
          .allSatisfy(c -> assertThat(c.get("workspace").asText()).isEqualTo(WS_B));
    }
    JsonNode me = call("readerB", "GET", "/v1/me", null).body();
    assertThat(me.get("role").asText()).isEqualTo("reader");
    assertThat(me.get("workspace").asText()).isEqualTo(WS_B);
  }

  @Test
  void aDismissalIsRecordedWithWhoAndWhenStreamedToItsWorkspaceOnlyAndResumable() throws Exception {
    LinkedBlockingQueue<String> streamA = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> streamB = new LinkedBlockingQueue<>();
    CompletableFuture<?> a = follow("readerA", null, streamA);
    CompletableFuture<?> b = follow("readerB", null, streamB);
    String readyA = nextEvent(streamA, "ready");
    nextEvent(streamB, "ready");

    Answer dismissed = call("adminA", "PATCH", "/v1/alerts/" + alertA,
        "{\"status\":\"Dismissed\",\"comment\":\"expected: connectivity test\"}");
    assertThat(dismissed.status()).as(String.valueOf(dismissed.body())).isEqualTo(200);
    assertThat(dismissed.body().get("status").asText()).isEqualTo("Dismissed");
    JsonNode last = dismissed.body().get("history").get(dismissed.body().get("history").size() - 1);
    assertThat(last.get("status").asText()).isEqualTo("Dismissed");
    assertThat(last.get("comment").asText()).isEqualTo("expected: connectivity test");
    assertThat(last.get("changedBy").asText()).startsWith("admin:");
    assertThat(last.get("changedAt").asText()).isNotBlank();
    SchemaAssertions.assertValid(SchemaAssertions.ALERT, dismissed.body());

    String eventA = nextEvent(streamA, "alert");
    while (!eventA.contains("\"Dismissed\"")) {
      eventA = nextEvent(streamA, "alert");
    }
    JsonNode streamed = Json.mapper().readTree(eventA.substring(eventA.indexOf("data: ") + 6));
    assertThat(streamed.get("id").asText()).isEqualTo(alertA);
    assertThat(streamed.get("status").asText()).isEqualTo("Dismissed");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < until) {
      String seen = streamB.poll(200, TimeUnit.MILLISECONDS);
      assertThat(seen == null ? "" : seen).as("workspace B must not see A's alert").doesNotContain(alertA);
    }
    a.cancel(true);
    b.cancel(true);

    // Reconnecting with the id of the ready event replays what happened since.
    String readyId = readyA.lines().filter(l -> l.startsWith("id: ")).findFirst().orElseThrow().substring(4);
    LinkedBlockingQueue<String> resumed = new LinkedBlockingQueue<>();
    CompletableFuture<?> again = follow("readerA", readyId, resumed);
    nextEvent(resumed, "ready");
    String replayed = nextEvent(resumed, "alert");
    while (!replayed.contains("\"Dismissed\"")) {
      // Updates from other tests' findings may come first; the dismissal must follow.
      replayed = nextEvent(resumed, "alert");
    }
    assertThat(replayed).contains(alertA, "expected: connectivity test");
    again.cancel(true);

    // Reopened by an admin: Active again, the history keeps both changes.
    Answer reopened = call("adminA", "PATCH", "/v1/alerts/" + alertA, "{\"status\":\"Active\"}");
    assertThat(reopened.body().get("status").asText()).isEqualTo("Active");
    assertThat(call("readerA", "GET", "/v1/alerts?status=Active&q=asc-alerttest", null).body().get("count").asInt())
        .isEqualTo(1);
    assertThat(call("adminA", "PATCH", "/v1/alerts/" + alertA, "{\"status\":\"Closed\"}").status()).isEqualTo(400);
    assertThat(call("readerA", "GET", "/v1/alerts?minSeverity=High", null).body().get("count").asInt()).isZero();
  }

  @Test
  void everyAlertIsOnTheOcsfTopicAsAValidDetectionFinding() throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.putAll(server.kafkaClientProperties());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Set<String> alertIds = new HashSet<>();
    Set<String> types = new HashSet<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(Topics.ALERTS_OCSF.name()).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          JsonNode finding = Json.mapper().readTree(r.value());
          SchemaAssertions.assertValid(SchemaAssertions.OCSF_DETECTION_FINDING, finding);
          assertThat(finding.at("/finding_info/uid").asText()).isEqualTo(r.key());
          alertIds.add(r.key());
          types.add(finding.at("/finding_info/types/0").asText());
        }
        return alertIds.contains(alertA) && alertIds.contains(alertB);
      });
    }
    assertThat(types).contains("K8S_TestAlert");
  }

  @Test
  void tokenCreateAndAlertsFollowOnTheCommandLine() throws Exception {
    Path readerToken = dir.resolve("reader-cli.token");
    Run created = vigil("token", "create", "--role", "reader", "--data-dir", dir.toString(),
        "--token-out", readerToken.toString());
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).contains("Created reader token", "of workspace default", "vga_");
    assertThat(vigil("token", "create", "--role", "owner", "--data-dir", dir.toString()).err())
        .contains("--role must be reader or admin");

    CompletableFuture<Run> follow = CompletableFuture.supplyAsync(() -> vigil("alerts", "--follow", "--json",
        "--max-events", "1", "--type", "K8S_TestAlert", "--data-dir", dir.toString(),
        "--token-file", readerToken.toString()));
    // The stream starts after the listing; a change made once it runs is printed and ends the command.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
      call("adminA", "PATCH", "/v1/alerts/" + alertA, "{\"status\":\"InProgress\",\"comment\":\"cli\"}");
      return follow.isDone();
    });
    Run run = follow.get();
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains(alertA, "\"InProgress\"");
  }

  record Run(int exit, String out, String err) {}

  static Run vigil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** Reads the stream as {@code caller} into {@code events}, one string per event, until cancelled. */
  static CompletableFuture<?> follow(String caller, String lastEventId, LinkedBlockingQueue<String> events) {
    return CompletableFuture.runAsync(() -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/v1/alerts/stream"))
          .header("Authorization", "Bearer " + TOKENS.get(caller));
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      try {
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          StringBuilder event = new StringBuilder();
          String line;
          while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
              events.add(event.toString());
              event.setLength(0);
            } else {
              event.append(line).append('\n');
            }
          }
        }
      } catch (Exception e) {
        // cancelled or closed: the test has what it needs
      }
    });
  }

  static String nextEvent(LinkedBlockingQueue<String> events, String type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      String e = events.poll(500, TimeUnit.MILLISECONDS);
      if (e != null && e.contains("event: " + type + "\n")) {
        return e;
      }
    }
    throw new AssertionError("no '" + type + "' event within 15 s");
  }
}
