package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.schemas.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incidents over real HTTPS on the embedded broker, with two workspaces that each have a cluster
 * named {@code prod}: the attack of {@link IncidentsBrowserIT} becomes one incident of workspace A
 * only, streamed to A's readers and not to B's, readable and changeable by A alone; closing it with
 * {@code resolveAlerts} resolves its alerts through the alert status topic.
 */
class IncidentsApiIT {
  @TempDir Path dir;
  private VigilServer server;
  private HttpClient http;

  record Answer(int status, JsonNode body) {}

  private Answer call(String token, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(r.statusCode(), r.body().length == 0 ? null : Json.mapper().readTree(r.body()));
  }

  /** Reads the incident stream of {@code token} into {@code events}, one string per event. */
  private CompletableFuture<Void> follow(String token, LinkedBlockingQueue<String> events) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/v1/incidents/stream"))
        .header("Authorization", "Bearer " + token).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).thenAccept(r -> {
      assertThat(r.statusCode()).isEqualTo(200);
      try (InputStream in = r.body()) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder event = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
          if (line.isEmpty()) {
            events.add(event.toString());
            event.setLength(0);
          } else {
            event.append(line).append('\n');
          }
        }
      } catch (java.io.IOException e) {
        // the test closed the connection
      }
    });
  }

  private static JsonNode next(LinkedBlockingQueue<String> events, String type, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      String event = events.poll(200, TimeUnit.MILLISECONDS);
      if (event != null && event.contains("event: " + type + "\n")) {
        return Json.mapper().readTree(event.substring(event.indexOf("data: ") + 6));
      }
    }
    return null;
  }

  @Test
  void anIncidentBelongsToItsWorkspaceInTheApiAndTheStream() throws Exception {
    server = VigilServer.start(VigilConfig.forTests(dir));
    http = HttpClient.newBuilder().sslContext(TlsMaterial.clientContextTrusting(server.caCertificate()))
        .connectTimeout(Duration.ofSeconds(10)).build();
    try {
      String adminA = Files.readString(dir.resolve("admin.token")).trim();
      String readerA = call(adminA, "POST", "/v1/tokens", "{\"role\":\"reader\"}").body().get("token").asText();
      String adminB = call(adminA, "POST", "/v1/tokens", "{\"role\":\"admin\",\"workspace\":\"team-b\"}")
          .body().get("token").asText();
      String prodA = call(adminA, "POST", "/v1/clusters", "{\"name\":\"prod\"}").body().get("token").asText();
      String prodB = call(adminB, "POST", "/v1/clusters", "{\"name\":\"prod\"}").body().get("token").asText();

      LinkedBlockingQueue<String> streamA = new LinkedBlockingQueue<>();
      LinkedBlockingQueue<String> streamB = new LinkedBlockingQueue<>();
      CompletableFuture<Void> a = follow(readerA, streamA);
      CompletableFuture<Void> b = follow(adminB, streamB);
      assertThat(next(streamA, "ready", Duration.ofSeconds(20))).isNotNull();
      assertThat(next(streamB, "ready", Duration.ofSeconds(20))).isNotNull();

      assertThat(call(prodA, "POST", "/v1/audit", IncidentsBrowserIT.attack().toString()).status()).isEqualTo(200);
      // Workspace B's own "prod" sees the same principal do one thing: no incident there.
      assertThat(call(prodB, "POST", "/v1/audit", IncidentsBrowserIT.noiseEvent().toString()).status()).isEqualTo(200);

      JsonNode streamed = next(streamA, "incident", Duration.ofSeconds(60));
      assertThat(streamed).isNotNull();
      assertThat(streamed.get("workspace").asText()).isEqualTo("default");
      assertThat(streamed.get("cluster").asText()).isEqualTo("prod");
      String id = streamed.get("id").asText();
      // The incident is streamed at its second alert; the rest of the attack joins it. CI once failed
      // here after 30 s without saying what the list held: the failure now names it.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        Answer answer = call(readerA, "GET", "/v1/incidents", null);
        JsonNode list = answer.body() == null ? null : answer.body().get("incidents");
        assertThat(list != null && list.size() == 1 && list.get(0).get("alerts").size() >= 4)
            .as("one incident of at least 4 alerts; GET /v1/incidents answered %d %s",
                answer.status(), answer.body())
            .isTrue();
      });

      assertThat(call(adminB, "GET", "/v1/incidents", null).body().get("incidents")).isEmpty();
      assertThat(call(adminB, "GET", "/v1/incidents/" + id, null).status()).isEqualTo(404);
      assertThat(call(adminB, "PATCH", "/v1/incidents/" + id, "{\"status\":\"Dismissed\"}").status()).isEqualTo(404);
      assertThat(call(readerA, "PATCH", "/v1/incidents/" + id, "{\"status\":\"Dismissed\"}").status()).isEqualTo(403);
      assertThat(call(prodA, "GET", "/v1/incidents", null).status()).isEqualTo(403);
      assertThat(call(null, "GET", "/v1/incidents", null).status()).isEqualTo(401);
      assertThat(call(adminB, "GET", "/v1/overview", null).body().get("incidents").get("open").asLong()).isZero();
      assertThat(call(readerA, "GET", "/v1/overview", null).body().get("incidents").get("open").asLong()).isEqualTo(1);

      Answer closed = call(adminA, "PATCH", "/v1/incidents/" + id,
          "{\"status\":\"Resolved\",\"comment\":\"token rotated\",\"resolveAlerts\":true}");
      assertThat(closed.status()).isEqualTo(200);
      assertThat(closed.body().get("status").asText()).isEqualTo("Resolved");
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        JsonNode alerts = call(readerA, "GET", "/v1/alerts?cluster=prod", null).body().get("alerts");
        boolean all = alerts.size() >= 4;
        for (JsonNode alert : alerts) {
          all &= alert.get("status").asText().equals("Resolved");
        }
        return all;
      });
      JsonNode members = call(readerA, "GET", "/v1/incidents/" + id, null).body().get("alerts");
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        JsonNode now = call(readerA, "GET", "/v1/incidents/" + id, null).body();
        boolean all = now.get("status").asText().equals("Resolved");
        for (JsonNode m : now.get("alerts")) {
          all &= m.get("status").asText().equals("Resolved");
        }
        return all;
      });
      assertThat(members).isNotEmpty();
      assertThat(call(adminB, "GET", "/v1/alerts?status=Resolved", null).body().get("count").asInt()).isZero();

      // Nothing of workspace A ever reached B's stream.
      String leaked = null;
      for (String event; (event = streamB.poll(500, TimeUnit.MILLISECONDS)) != null; ) {
        if (event.contains("event: incident")) {
          leaked = event;
        }
      }
      assertThat(leaked).isNull();
      a.cancel(true);
      b.cancel(true);
    } finally {
      server.close();
    }
  }
}
