package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.admission.AdmissionSettings;
import dev.vigil.ingest.admission.Backlog;
import dev.vigil.ingest.admission.FairAdmission;
import dev.vigil.ingest.identity.Tokens;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IngestHttpsIT {
  private static final long MAX_BODY = 256 * 1024;
  private static GatewayFixture f;

  private static final String GOOD_1 =
      "{\"kind\":\"Event\",\"auditID\":\"it-good-1\",\"stage\":\"ResponseComplete\",\"verb\":\"get\","
          + "\"user\":{\"username\":\"alice\"},\"stageTimestamp\":\"2024-05-01T10:00:00Z\"}";
  private static final String BAD =
      "{\"kind\":\"Event\",\"auditID\":\"it-bad\",\"stage\":\"ResponseComplete\","
          + "\"user\":{\"username\":\"mallory\"},\"stageTimestamp\":\"2024-05-01T10:00:00Z\"}";
  private static final String GOOD_2 =
      "{\"kind\":\"Event\",\"auditID\":\"it-good-2\",\"stage\":\"ResponseComplete\",\"verb\":\"list\","
          + "\"user\":{\"username\":\"bob\"},\"stageTimestamp\":\"2024-05-01T10:00:01Z\"}";

  @BeforeAll
  static void start() throws Exception {
    f = new GatewayFixture(IngestLimits.defaults().withMaxBodyBytes(MAX_BODY));
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static boolean fromCluster(ConsumerRecord<String, byte[]> record, String cluster) {
    return cluster.equals(header(record, VigilHeaders.CLUSTER));
  }

  @Test
  void corpusPushIsAcknowledgedAndEveryEventIsOnTheRawTopicWithKeyAndHeaders() throws Exception {
    String token = f.registerCluster("corpus");
    List<String> lines = new ArrayList<>();
    for (Path file : Corpus.falcoTraceFiles()) {
      lines.addAll(Corpus.lines(file));
    }
    long before = System.currentTimeMillis();

    HttpResponse<String> response = f.push(token, String.join("\n", lines));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = GatewayFixture.json(response);
    assertThat(body.path("accepted").asInt()).isEqualTo(lines.size() - 1);
    assertThat(body.path("rejected").asInt()).isEqualTo(1);
    assertThat(body.path("errors").get(0).path("reason").asText()).contains("kind must be");

    List<ConsumerRecord<String, byte[]>> raw =
        f.awaitRecords(Topics.AUDIT_RAW.name(), r -> fromCluster(r, "corpus"), lines.size() - 1);
    assertThat(raw).hasSize(lines.size() - 1);
    for (ConsumerRecord<String, byte[]> record : raw) {
      JsonNode event = Json.mapper().readTree(record.value());
      assertThat(record.key()).isEqualTo("default/corpus/" + event.path("user").path("username").asText());
      assertThat(header(record, VigilHeaders.WORKSPACE)).isEqualTo("default");
      assertThat(Long.parseLong(header(record, VigilHeaders.RECEIVED_MS))).isBetween(before, System.currentTimeMillis());
    }
    assertThat(raw.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toSet()))
        .containsAll(lines.stream().filter(l -> !l.equals("{\"kind\": 0}")).collect(Collectors.toSet()));
    assertThat(f.meters.counter("vigil.ingest.events", "result", "accepted").count())
        .isGreaterThanOrEqualTo(lines.size() - 1);

    JsonNode shown =
        GatewayFixture.json(f.send(f.request("/v1/clusters/corpus", f.readerToken).GET().build()));
    assertThat(shown.path("installState").asText()).isEqualTo("Healthy");
    assertThat(shown.path("eventsReceived").asLong()).isEqualTo(lines.size() - 1);
    assertThat(shown.path("eventsRejected").asLong()).isEqualTo(1);
    assertThat(shown.path("lastEventTime").isTextual()).isTrue();
  }

  @Test
  void badItemAmongGoodGoesToTheDlqWithItsReasonAndItsNeighboursToRaw() throws Exception {
    String token = f.registerCluster("mixed");
    String eventList = "{\"kind\":\"EventList\",\"items\":[" + GOOD_1 + "," + BAD + "," + GOOD_2 + "]}";

    HttpResponse<String> response =
        f.send(
            f.request(IngestRoutes.WEBHOOK_ALIAS, token)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(
                    AuditBatchDecoderTest.gzip(eventList.getBytes(StandardCharsets.UTF_8))))
                .build());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = GatewayFixture.json(response);
    assertThat(body.path("accepted").asInt()).isEqualTo(2);
    assertThat(body.path("rejected").asInt()).isEqualTo(1);
    assertThat(body.path("errors").get(0).path("index").asInt()).isEqualTo(1);
    assertThat(body.path("errors").get(0).path("reason").asText()).isEqualTo("missing required field verb");

    List<ConsumerRecord<String, byte[]>> dlq =
        f.awaitRecords(Topics.AUDIT_DLQ.name(), r -> fromCluster(r, "mixed"), 1);
    assertThat(dlq).singleElement().satisfies(r -> {
      assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(BAD);
      assertThat(header(r, VigilHeaders.REASON)).isEqualTo("missing required field verb");
      assertThat(r.key()).isEqualTo("default/mixed/mallory");
    });
    List<ConsumerRecord<String, byte[]>> raw =
        f.awaitRecords(Topics.AUDIT_RAW.name(), r -> fromCluster(r, "mixed"), 2);
    assertThat(raw).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactlyInAnyOrder(GOOD_1, GOOD_2);
  }

  @Test
  void everyRefusalHasItsStatusAndAJsonErrorBody() throws Exception {
    String token = f.registerCluster("refusals");

    HttpResponse<String> wrongMethod = f.send(f.request(IngestRoutes.PATH, token).GET().build());
    assertError(wrongMethod, 405, "method_not_allowed");
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");

    HttpResponse<String> noToken = f.push(null, GOOD_1);
    assertError(noToken, 401, "unauthorized");
    assertThat(noToken.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
    assertError(f.push(Tokens.newClusterToken(), GOOD_1), 401, "unauthorized");

    assertError(f.push(f.adminToken, GOOD_1), 403, "forbidden");

    HttpResponse<String> text =
        f.send(f.request(IngestRoutes.PATH, token).header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString(GOOD_1)).build());
    assertError(text, 415, "unsupported_media_type");
    assertThat(text.body()).contains("application/x-ndjson");

    // Only the head is sent: the answer must come without the server waiting for the body.
    String declaredTooLarge =
        f.rawExchange(
            "POST /v1/audit HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + (MAX_BODY + 1)
                + "\r\n\r\n");
    assertThat(declaredTooLarge).startsWith("HTTP/1.1 413").contains("\"error\":\"payload_too_large\"");

    HttpResponse<String> malformed = f.push(token, "{\"kind\":\"EventList\",\n\"items\":[" + GOOD_1 + ",]}");
    assertError(malformed, 400, "malformed_body");
    assertThat(GatewayFixture.json(malformed).path("message").asText()).contains("line 2, column");
    assertError(f.push(token, ""), 400, "malformed_body");

    assertThat(f.meters.counter("vigil.ingest.requests", "status", "401").count()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void streamedBodyIsCutAtTheCap() throws Exception {
    String token = f.registerCluster("streamer");
    byte[] big = new byte[(int) MAX_BODY * 4];
    java.util.Arrays.fill(big, (byte) ' ');

    // ofInputStream has no length, so the client streams the body chunked.
    HttpResponse<String> response =
        f.send(f.request(IngestRoutes.PATH, token).header("Content-Type", "application/json")
            .expectContinue(false)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());

    assertError(response, 413, "payload_too_large");
  }

  @Test
  void clusterApiEnforcesRolesWorkspacesAndNames() throws Exception {
    String clusterToken = f.registerCluster("guarded");

    assertError(postCluster(f.adminToken, "{\"name\":\"guarded\"}"), 409, "conflict");
    assertError(postCluster(f.adminToken, "{\"name\":\"Bad_Name\"}"), 400, "bad_request");
    assertError(postCluster(f.adminToken, "{\"name\":"), 400, "bad_request");
    assertError(postCluster(f.readerToken, "{\"name\":\"by-reader\"}"), 403, "forbidden");
    assertError(postCluster(clusterToken, "{\"name\":\"by-cluster\"}"), 403, "forbidden");
    assertError(postCluster(f.adminToken, "{\"name\":\"elsewhere\",\"workspace\":\"other\"}"), 403, "forbidden");
    assertError(postCluster(null, "{\"name\":\"anon\"}"), 401, "unauthorized");

    HttpResponse<String> list = f.send(f.request(ClusterRoutes.PATH, f.readerToken).GET().build());
    assertThat(list.statusCode()).isEqualTo(200);
    JsonNode guarded = null;
    for (JsonNode c : GatewayFixture.json(list).path("clusters")) {
      assertThat(c.path("workspace").asText()).isEqualTo("default");
      if (c.path("name").asText().equals("guarded")) {
        guarded = c;
      }
    }
    assertThat(guarded).isNotNull();
    assertThat(guarded.path("labels").path("env").asText()).isEqualTo("test");
    assertThat(guarded.path("installState").asText()).isEqualTo("Pending");
    assertThat(guarded.has("token")).isFalse();

    HttpResponse<String> otherList = f.send(f.request(ClusterRoutes.PATH, f.otherAdminToken).GET().build());
    assertThat(GatewayFixture.json(otherList).path("clusters")).isEmpty();
    assertError(f.send(f.request("/v1/clusters/guarded", f.otherAdminToken).GET().build()), 404, "not_found");
    assertError(f.send(f.request("/v1/clusters/guarded", f.otherAdminToken).DELETE().build()), 404, "not_found");
    assertError(f.send(f.request("/v1/clusters/guarded", f.readerToken).DELETE().build()), 403, "forbidden");
    assertError(f.send(f.request(ClusterRoutes.PATH, clusterToken).GET().build()), 403, "forbidden");
    assertError(f.send(f.request("/v1/clusters/nope", f.adminToken).DELETE().build()), 404, "not_found");
  }

  @Test
  void revokedTokenIsRefusedOnTheNextPush() throws Exception {
    String token = f.registerCluster("doomed");
    assertThat(f.push(token, GOOD_1).statusCode()).isEqualTo(200);

    HttpResponse<String> deleted = f.send(f.request("/v1/clusters/doomed", f.adminToken).DELETE().build());
    assertThat(deleted.statusCode()).isEqualTo(204);

    assertError(f.push(token, GOOD_1), 401, "unauthorized");
    assertError(f.send(f.request("/v1/clusters/doomed", f.adminToken).GET().build()), 404, "not_found");
  }

  private static HttpResponse<String> postCluster(String token, String body)
      throws IOException, InterruptedException {
    return f.send(f.request(ClusterRoutes.PATH, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void backfillIsMarkedOnTheRawTopicAndDeferredFirstWhileDetectionHasABacklog() throws Exception {
    String token = f.registerCluster("history");
    HttpResponse<String> history = f.send(f.request(IngestRoutes.PATH + "?backfill=true", token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(GOOD_1.replace("it-good-1", "it-history-1"))).build());
    assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
    assertThat(f.awaitRecords(Topics.AUDIT_RAW.name(), r -> fromCluster(r, "history"), 1))
        .singleElement().satisfies(r -> assertThat(header(r, VigilHeaders.BACKFILL)).isEqualTo("true"));

    FairAdmission admission = new FairAdmission(AdmissionSettings.DEFAULTS, f.meters);
    // 0.8 s of detection's work: over a quarter of the 2 s bound, not yet behind.
    admission.update(new Backlog(8_000, 10_000, true), System.nanoTime());
    f.gateway.useAdmission(admission);
    try {
      HttpResponse<String> deferred = f.send(f.request(IngestRoutes.PATH + "?backfill=true", token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(GOOD_1.replace("it-good-1", "it-history-2"))).build());
      assertError(deferred, 429, "backfill_deferred");
      assertThat(deferred.headers().firstValue("Retry-After")).isPresent();
      HttpResponse<String> live = f.push(token, GOOD_1.replace("it-good-1", "it-live-1"));
      assertThat(live.statusCode()).as("live traffic of the same cluster").isEqualTo(200);
    } finally {
      f.gateway.useAdmission(null);
    }
    List<ConsumerRecord<String, byte[]>> raw =
        f.awaitRecords(Topics.AUDIT_RAW.name(), r -> fromCluster(r, "history"), 2);
    assertThat(raw).extracting(r -> header(r, VigilHeaders.BACKFILL)).containsExactly("true", null);
  }

  private static void assertError(HttpResponse<String> response, int status, String code) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = GatewayFixture.json(response);
    assertThat(body.path("error").asText()).isEqualTo(code);
    assertThat(body.path("message").asText()).isNotBlank();
  }
}
