package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.VigilConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, findings 2 and 8, replayed on one {@code VigilServer} over HTTPS: {@code default} removes
 * its cluster {@code prod-a}, workspace {@code other} registers its own {@code prod-a} and sends
 * events. Before cluster names were per workspace, {@code other}'s events raised the count of {@code
 * default}'s open alert and {@code other} saw none; and a 409 told one workspace another's names.
 */
class TenancyIT {
  private static final String TEST_ALERT = "K8S_TestAlert";
  private static final String BURST = "VIGIL_ForbiddenBurst";

  @TempDir Path dir;

  private static String testEvents(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(new String(TestAlertEvent.create("alice", Instant.now()), StandardCharsets.UTF_8));
    }
    return String.join("\n", lines);
  }

  private static String forbiddenEvents(int n) {
    List<String> lines = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < n; i++) {
      lines.add(StatefulDetectionIT.forbiddenRequest("mallory", now.plusMillis(i)));
    }
    return String.join("\n", lines);
  }

  private static void push(Https https, String clusterToken, String events) throws Exception {
    Https.Answer a = https.postJson("/v1/audit", clusterToken, events);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
  }

  private static List<JsonNode> alerts(Https https, String token, String type) throws Exception {
    Https.Answer a = https.get("/v1/alerts?limit=1000&type=" + type, token);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    a.json().path("alerts").forEach(out::add);
    return out;
  }

  private static int count(Https https, String token) throws Exception {
    List<JsonNode> found = alerts(https, token, TEST_ALERT);
    return found.isEmpty() ? 0 : found.get(0).path("count").asInt();
  }

  private static JsonNode cluster(Https https, String token, String name) throws Exception {
    Https.Answer a = https.get("/v1/clusters/" + name, token);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aWorkspaceReusingAnotherWorkspacesClusterNameRaisesOnlyItsOwnAlertsAndCounts() throws Exception {
    Path data = dir.resolve("data");
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(data))) {
      Https https = Https.of(server);
      String admin = Files.readString(data.resolve("admin.token")).trim();
      Https.Answer created = https.postJson("/v1/tokens", admin, "{\"role\":\"admin\",\"workspace\":\"other\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String otherAdmin = created.json().path("token").asText();

      // default's prod-a raises its test alert five times, then is removed.
      String first = https.addCluster(admin, "prod-a");
      push(https, first, testEvents(5));
      await().atMost(Duration.ofSeconds(30)).until(() -> count(https, admin) == 5);
      JsonNode mine = alerts(https, admin, TEST_ALERT).get(0);
      assertThat(https.method("DELETE", "/v1/clusters/prod-a", admin, null).status()).isEqualTo(204);

      // other registers its own prod-a (the name is free there, whatever default did) and sends.
      String theirs = https.addCluster(otherAdmin, "prod-a");
      push(https, theirs, testEvents(7));
      push(https, theirs, forbiddenEvents(6));
      await().atMost(Duration.ofSeconds(30)).until(() -> count(https, otherAdmin) == 7);
      JsonNode theirAlert = alerts(https, otherAdmin, TEST_ALERT).get(0);
      assertThat(theirAlert.path("workspace").asText()).isEqualTo("other");
      assertThat(theirAlert.path("cluster").asText()).isEqualTo("prod-a");
      assertThat(theirAlert.path("id").asText()).isNotEqualTo(mine.path("id").asText());
      assertThat(https.get("/v1/alerts/" + mine.path("id").asText(), otherAdmin).status()).isEqualTo(404);

      // default registers prod-a again while other's exists: both at once, each its own.
      Https.Answer taken = https.postJson("/v1/clusters", otherAdmin, "{\"name\":\"prod-a\"}");
      assertThat(taken.status()).as("409 only within the same workspace").isEqualTo(409);
      String second = https.addCluster(admin, "prod-a");
      push(https, second, testEvents(2));
      push(https, second, forbiddenEvents(6));
      await().atMost(Duration.ofSeconds(30)).until(() -> count(https, admin) == 7);
      assertThat(alerts(https, admin, TEST_ALERT)).singleElement()
          .satisfies(a -> assertThat(a.path("id").asText()).isEqualTo(mine.path("id").asText()));

      // Nothing of one workspace moved the other: counts, burst state (6 + 6 forbidden requests of
      // mallory, below the threshold of 10 in each workspace) and cluster health.
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> count(https, otherAdmin) == 7 && count(https, admin) == 7);
      assertThat(alerts(https, admin, BURST)).isEmpty();
      assertThat(alerts(https, otherAdmin, BURST)).isEmpty();
      assertThat(alerts(https, admin, TEST_ALERT)).extracting(a -> a.path("workspace").asText())
          .containsOnly("default");
      JsonNode mineHealth = cluster(https, admin, "prod-a");
      JsonNode theirHealth = cluster(https, otherAdmin, "prod-a");
      assertThat(mineHealth.path("workspace").asText()).isEqualTo("default");
      assertThat(mineHealth.path("eventsReceived").asLong()).isEqualTo(8);
      assertThat(theirHealth.path("workspace").asText()).isEqualTo("other");
      assertThat(theirHealth.path("eventsReceived").asLong()).isEqualTo(13);

      // Each token still speaks for its own cluster only; removing one leaves the other working.
      assertThat(https.method("DELETE", "/v1/clusters/prod-a", otherAdmin, null).status()).isEqualTo(204);
      assertThat(https.postJson("/v1/audit", theirs, testEvents(1)).status()).isEqualTo(401);
      push(https, second, testEvents(1));
      await().atMost(Duration.ofSeconds(30)).until(() -> count(https, admin) == 8);
      assertThat(count(https, otherAdmin)).isEqualTo(7);
    }
  }
}
