package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input against the real HTTPS gateway of a {@code VigilServer} on the embedded broker: every
 * case gets its documented status and JSON error, {@code /healthz} answers after each, good
 * neighbours reach {@code vigil.audit.raw.v1}, and item-level rejects reach {@code vigil.audit.dlq.v1}
 * with their {@code vigil-reason}.
 */
class HostileInputIT {
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);
  private static final int CAP = Math.toIntExact(VigilConfig.defaults().get(Settings.BODY_LIMIT));

  @TempDir Path dir;
  private Https https;
  private String token;
  /** auditID of each good neighbour that must reach the raw topic. */
  private final Set<String> goodIds = new HashSet<>();
  /** a marker in each rejected item's bytes, and a fragment its DLQ reason must contain. */
  private final Map<String, String> dlqReasons = new HashMap<>();

  /** What a case sends, and what it must get back. */
  interface Sender {
    Https.Answer send() throws Exception;
  }

  record Case(String name, Sender sender, int status, String error, int accepted, int rejected) {}

  static String event(String auditId) {
    return event(auditId, "\"verb\":\"get\"");
  }

  static String event(String auditId, String verbPart) {
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"" + auditId
        + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/pods\"," + verbPart
        + ",\"user\":{\"username\":\"hostile-user\"},\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"ns\"},"
        + "\"responseStatus\":{\"code\":200},\"stageTimestamp\":\"2024-05-01T10:00:00Z\"}";
  }

  private String good(String id) {
    goodIds.add(id);
    return event(id);
  }

  /** A rejected item carrying {@code marker} as its auditID, whose DLQ reason contains {@code reason}. */
  private String bad(String marker, String json, String reason) {
    dlqReasons.put(marker, reason);
    return json;
  }

  private Https.Answer post(String body) throws Exception {
    return post(body.getBytes(StandardCharsets.UTF_8), "application/json", null);
  }

  private Https.Answer post(byte[] body, String contentType, String encoding) throws Exception {
    HttpRequest.Builder b = https.request("/v1/audit", token).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return https.send(b.build());
  }

  private List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    String okA = "{\"kind\":\"EventList\",\"items\":[";
    // Whole-body refusals: nothing is written.
    cases.add(new Case("invalid JSON", () -> post("{\"kind\":\"Event\",,}"), 400, "malformed_body", 0, 0));
    cases.add(new Case("truncated body", () -> post(event("t-1").substring(0, 60)), 400, "malformed_body", 0, 0));
    cases.add(new Case("empty body", () -> post(""), 400, "malformed_body", 0, 0));
    cases.add(new Case("whitespace only", () -> post(" \n\t "), 400, "malformed_body", 0, 0));
    cases.add(new Case("nesting 100,000 deep", () -> post("[".repeat(100_000) + "]".repeat(100_000)),
        400, "malformed_body", 0, 0));
    cases.add(new Case("nesting 300 deep inside an event",
        () -> post(event("n-1").replace("\"level\":\"Metadata\"",
            "\"requestObject\":" + "{\"a\":".repeat(300) + "1" + "}".repeat(300))),
        400, "malformed_body", 0, 0));
    cases.add(new Case("number of 5,000 digits", () -> post(event("d-1").replace("{\"code\":200}",
        "{\"code\":" + "9".repeat(5_000) + "}")), 400, "malformed_body", 0, 0));
    cases.add(new Case("50 MB string", () -> {
      String ev = event("s-1");
      int at = ev.indexOf("\"level\":\"Metadata\"") + 9;
      byte[] before = ev.substring(0, at).getBytes(StandardCharsets.UTF_8);
      byte[] after = ev.substring(at + 8).getBytes(StandardCharsets.UTF_8);
      long length = before.length + 50L * 1024 * 1024 + after.length;
      return streamed("Content-Length: " + length + "\r\n", out -> {
        out.write(before);
        byte[] chunk = new byte[1024 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        for (int i = 0; i < 50; i++) {
          out.write(chunk);
        }
        out.write(after);
      });
    }, 413, "payload_too_large", 0, 0));
    cases.add(new Case("declared body over the cap", () -> streamed("Content-Length: " + (CAP + 1) + "\r\n",
        out -> out.write(new byte[CAP + 1])), 413, "payload_too_large", 0, 0));
    cases.add(new Case("chunked body streamed past the cap", this::chunkedPastTheCap, 413, "payload_too_large", 0, 0));
    cases.add(new Case("gzip bomb (40 MB of zeros in ~40 KB)", () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write("{\"a\":\"".getBytes(StandardCharsets.UTF_8));
        byte[] zeros = new byte[1024 * 1024];
        java.util.Arrays.fill(zeros, (byte) '0');
        for (int i = 0; i < 40; i++) {
          gz.write(zeros);
        }
      }
      assertThat(out.size()).isLessThan(200_000);
      return post(out.toByteArray(), "application/json", "gzip");
    }, 413, "payload_too_large", 0, 0));
    cases.add(new Case("gzip declared, body plain", () -> post(event("g-1").getBytes(StandardCharsets.UTF_8),
        "application/json", "gzip"), 400, "malformed_body", 0, 0));
    cases.add(new Case("invalid UTF-8 in a single event", () -> post(invalidUtf8(event("u-1")), "application/json", null),
        400, "malformed_body", 0, 0));
    cases.add(new Case("UTF-16 body", () -> post(("\uFEFF" + event("u16")).getBytes(StandardCharsets.UTF_16BE),
        "application/json", null), 400, "malformed_body", 0, 0));
    cases.add(new Case("wrong content type", () -> post(event("ct-1").getBytes(StandardCharsets.UTF_8),
        "text/plain", null), 415, "unsupported_media_type", 0, 0));
    cases.add(new Case("missing content type", () -> post(event("ct-2").getBytes(StandardCharsets.UTF_8),
        null, null), 415, "unsupported_media_type", 0, 0));
    cases.add(new Case("unsupported content encoding", () -> post(event("ce-1").getBytes(StandardCharsets.UTF_8),
        "application/json", "br"), 415, "unsupported_media_type", 0, 0));
    cases.add(new Case("GET instead of POST", () -> https.get("/v1/audit", token), 405, "method_not_allowed", 0, 0));
    cases.add(new Case("no token", () -> https.send(https.request("/v1/audit", null)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event("x"))).build()),
        401, "unauthorized", 0, 0));

    // Item-level rejects: the item goes to the DLQ with its reason, its neighbours are kept.
    cases.add(new Case("{\"kind\": 0}", () -> post(bad("kind0", "{\"kind\": 0, \"auditID\":\"kind0\"}",
        "kind must be the string")), 200, null, 0, 1));
    cases.add(new Case("missing stageTimestamp", () -> post(okA + good("mst-good") + ","
        + bad("mst-bad", event("mst-bad").replace(",\"stageTimestamp\":\"2024-05-01T10:00:00Z\"", ""),
            "missing required field stageTimestamp") + "]}"), 200, null, 1, 1));
    cases.add(new Case("stageTimestamp not a time", () -> post(bad("stt-bad",
        event("stt-bad").replace("2024-05-01T10:00:00Z", "yesterday"), "is not an RFC 3339 time")), 200, null, 0, 1));
    cases.add(new Case("wrong type: verb is a number", () -> post(bad("wt-verb",
        event("wt-verb", "\"verb\":42"), "verb must be a string")), 200, null, 0, 1));
    cases.add(new Case("wrong type: user is a string", () -> post(bad("wt-user",
        event("wt-user").replace("{\"username\":\"hostile-user\"}", "\"root\""), "user must be an object")),
        200, null, 0, 1));
    cases.add(new Case("wrong type: sourceIPs of numbers", () -> post(bad("wt-ips",
        event("wt-ips").replace("\"level\":\"Metadata\"", "\"sourceIPs\":[1,2]"), "sourceIPs must contain only strings")),
        200, null, 0, 1));
    cases.add(new Case("duplicate keys", () -> post(okA + good("dup-good") + ","
        + bad("dup-bad", event("dup-bad", "\"verb\":\"get\",\"verb\":\"delete\""), "\"verb\" appears twice") + "]}"),
        200, null, 1, 1));
    cases.add(new Case("number out of int range", () -> post(bad("oor-1", event("oor-1")
        .replace("{\"code\":200}", "{\"code\":99999999999999999999}"), "responseStatus.code must be an integer")),
        200, null, 0, 1));
    cases.add(new Case("number overflowing double", () -> post(bad("oor-2", event("oor-2")
        .replace("{\"code\":200}", "{\"code\":1e400}"), "responseStatus.code must be an integer")), 200, null, 0, 1));
    cases.add(new Case("event over Kafka's record size", () -> post(okA + good("big-good") + ","
        + bad("big-bad", event("big-bad").replace("\"responseStatus\":{\"code\":200}",
            "\"responseStatus\":{\"code\":200},\"annotations\":{\"x\":\"" + "b".repeat(1_200_000) + "\"}"), "-byte limit of one Kafka record") + "]}"),
        200, null, 1, 1));
    cases.add(new Case("EventList with one bad item among good ones", () -> post(okA + good("el-1") + ","
        + bad("el-bad", "{\"kind\":\"Event\",\"auditID\":\"el-bad\",\"stage\":\"ResponseComplete\"}", "missing required field verb")
        + "," + good("el-2") + "," + good("el-3") + "]}"), 200, null, 3, 1));
    cases.add(new Case("array with a number among events", () -> post("[" + good("arr-1") + ",42," + good("arr-2") + "]"),
        200, null, 2, 1));
    cases.add(new Case("EventList without items", () -> post(bad("noitems",
        "{\"kind\":\"EventList\",\"metadata\":{\"noitems\":1}}", "needs an \"items\" array")), 200, null, 0, 1));
    cases.add(new Case("JSON lines with a truncated line", () -> post(good("jl-1") + "\n"
        + bad("jl-bad", event("jl-bad").substring(0, 120), "not valid JSON") + "\n" + good("jl-2") + "\n"),
        200, null, 2, 1));
    cases.add(new Case("JSON lines with an invalid UTF-8 line", () -> post(concat(
        (good("ju-1") + "\n").getBytes(StandardCharsets.UTF_8),
        invalidUtf8(bad("ju-bad", event("ju-bad"), "not valid JSON")),
        ("\n" + good("ju-2") + "\n" + good("ju-3") + "\n").getBytes(StandardCharsets.UTF_8)),
        "application/x-ndjson", null), 200, null, 3, 1));

    // Connection-level behaviour.
    cases.add(new Case("HTTP/1.1 pipelining", this::pipelined, 200, null, 1, 0));
    cases.add(new Case("slowloris: body stalls after 10 bytes", () -> slowBody(false), 408, "request_timeout", 0, 0));
    cases.add(new Case("slowloris: body trickles a byte every 250 ms", () -> slowBody(true), 408, "request_timeout", 0, 0));
    return cases;
  }

  private static byte[] invalidUtf8(String json) {
    // 0xC3 0x28 is an invalid two-byte sequence, placed inside the verb string.
    String marked = json.replace("\"verb\":\"get\"", "\"verb\":\"g@t\"");
    byte[] bytes = marked.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[bytes.length + 1];
    int at = marked.indexOf('@');
    System.arraycopy(bytes, 0, out, 0, at);
    out[at] = (byte) 0xC3;
    out[at + 1] = (byte) 0x28;
    System.arraycopy(bytes, at + 1, out, at + 2, bytes.length - at - 1);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private String head(String extra) {
    return "POST /v1/audit HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\n" + extra + "\r\n";
  }

  /** Two requests in one write on one connection: two answers, in order. */
  private Https.Answer pipelined() throws Exception {
    byte[] first = good("pipe-1").getBytes(StandardCharsets.UTF_8);
    byte[] second = good("pipe-2").getBytes(StandardCharsets.UTF_8);
    try (SSLSocket socket = https.socket()) {
      String both = head("Content-Length: " + first.length + "\r\n") + new String(first, StandardCharsets.UTF_8)
          + head("Content-Length: " + second.length + "\r\n") + new String(second, StandardCharsets.UTF_8);
      socket.getOutputStream().write(both.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      Https.Answer a = Https.readResponse(in);
      Https.Answer b = Https.readResponse(in);
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.json().path("accepted").asInt()).isEqualTo(1);
      return b;
    }
  }

  /** Sends headers promising 1,000 bytes, then stalls or trickles: 408 after the body deadline. */
  private Https.Answer slowBody(boolean trickle) throws Exception {
    try (SSLSocket socket = https.socket()) {
      OutputStream out = socket.getOutputStream();
      out.write((head("Content-Length: 1000\r\n") + "{\"kind\":\"E").getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread writer = new Thread(() -> {
        try {
          while (trickle) {
            Thread.sleep(250);
            out.write(' ');
            out.flush();
          }
        } catch (IOException | InterruptedException e) {
          // The server closed the connection: the point of the case.
        }
      });
      writer.setDaemon(true);
      writer.start();
      long start = System.nanoTime();
      Https.Answer answer = Https.readResponse(socket.getInputStream());
      long ms = (System.nanoTime() - start) / 1_000_000;
      writer.interrupt();
      assertThat(ms).as("answered after the body deadline, not before").isGreaterThanOrEqualTo(BODY_TIMEOUT.toMillis() - 200)
          .isLessThan(BODY_TIMEOUT.toMillis() + 10_000);
      assertThat(socket.getInputStream().read()).as("connection closed after 408").isEqualTo(-1);
      return answer;
    }
  }

  interface BodyWriter {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Sends headers, then the body from another thread while the answer is read: the gateway answers
   * 413 without reading the body and closes the connection, which ends the writer.
   */
  private Https.Answer streamed(String headers, BodyWriter body) throws Exception {
    try (SSLSocket socket = https.socket()) {
      OutputStream out = socket.getOutputStream();
      out.write(head(headers).getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread writer = new Thread(() -> {
        try {
          body.write(out);
          out.flush();
        } catch (IOException e) {
          // The server closed the connection once it had answered.
        }
      });
      writer.setDaemon(true);
      writer.start();
      Https.Answer answer = Https.readResponse(socket.getInputStream());
      writer.join(10_000);
      return answer;
    }
  }

  /** A chunked body (no Content-Length) that passes the cap: 413 and the connection closed. */
  private Https.Answer chunkedPastTheCap() throws Exception {
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) ' ');
    byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    return streamed("Transfer-Encoding: chunked\r\n", out -> {
      for (long sent = 0; sent <= CAP + chunk.length; sent += chunk.length) {
        out.write(size);
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
    });
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyHostileCaseIsRefusedAsDocumentedAndTheProcessStaysHealthy() throws Exception {
    VigilConfig config = VigilConfig.forTests(dir).with(Settings.BODY_TIMEOUT, BODY_TIMEOUT);
    try (VigilServer server = VigilServer.start(config)) {
      https = Https.of(server);
      String admin = Files.readString(dir.resolve("admin.token")).trim();
      token = https.addCluster(admin, "hostile");
      List<Case> cases = cases();
      SoftAssertions soft = new SoftAssertions();
      int correct = 0;
      for (Case c : cases) {
        Https.Answer answer;
        try {
          answer = c.sender().send();
        } catch (Exception e) {
          soft.fail(c.name() + ": " + e);
          continue;
        }
        int before = soft.errorsCollected().size();
        soft.assertThat(answer.status()).as(c.name() + " status; body " + abbreviate(answer.body()))
            .isEqualTo(c.status());
        JsonNode json = answer.json();
        if (c.error() != null) {
          soft.assertThat(json.path("error").asText()).as(c.name() + " error code").isEqualTo(c.error());
          soft.assertThat(json.path("message").asText()).as(c.name() + " message").isNotBlank();
        } else {
          soft.assertThat(json.path("accepted").asInt(-1)).as(c.name() + " accepted").isEqualTo(c.accepted());
          soft.assertThat(json.path("rejected").asInt(-1)).as(c.name() + " rejected").isEqualTo(c.rejected());
        }
        Https.Answer health = https.get("/healthz", null);
        soft.assertThat(health.status()).as("healthz after " + c.name()).isEqualTo(200);
        boolean ok = soft.errorsCollected().size() == before;
        correct += ok ? 1 : 0;
        System.out.printf("HOSTILE %-50s -> %d %s %s%n", c.name(), answer.status(),
            c.error() == null ? "accepted=" + json.path("accepted") + " rejected=" + json.path("rejected")
                : json.path("error").asText(), ok ? "OK" : "WRONG");
      }
      soft.assertAll();

      try (TopicReader raw = new TopicReader(server.kafkaClientProperties(), Topics.AUDIT_RAW.name(), false);
          TopicReader dlq = new TopicReader(server.kafkaClientProperties(), Topics.AUDIT_DLQ.name(), false)) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          Set<String> arrived = new HashSet<>();
          for (ConsumerRecord<String, byte[]> r : raw.poll()) {
            arrived.add(dev.vigil.schemas.Json.mapper().readTree(r.value()).path("auditID").asText());
          }
          assertThat(arrived).containsAll(goodIds);
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          Map<String, String> reasons = new HashMap<>();
          for (ConsumerRecord<String, byte[]> r : dlq.poll()) {
            String value = new String(r.value(), StandardCharsets.UTF_8);
            Header reason = r.headers().lastHeader(VigilHeaders.REASON);
            for (String marker : dlqReasons.keySet()) {
              if (value.contains(marker) && reason != null) {
                reasons.put(marker, new String(reason.value(), StandardCharsets.UTF_8));
              }
            }
          }
          assertThat(reasons.keySet()).containsAll(dlqReasons.keySet());
          dlqReasons.forEach((marker, fragment) -> assertThat(reasons.get(marker)).as(marker).contains(fragment));
        });
      }
      assertThat(https.get("/readyz", null).status()).isEqualTo(200);
      System.out.printf("HOSTILE SUMMARY cases=%d refusedCorrectly=%d goodNeighboursKept=%d dlqReasonsChecked=%d%n",
          cases.size(), correct, goodIds.size(), dlqReasons.size());
      assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
