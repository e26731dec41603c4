package dev.vigil.app;

import static dev.vigil.app.SigmaRulesIT.vigil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.schemas.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm start on a running server with the shipped seven-day learning period: eight days of history
 * (people and service accounts reading secrets and config maps, at office-hour-like jittered times)
 * sent with {@code vigil send --backfill} through the HTTPS gateway end the learning period, so a
 * principal's first-ever secret read raises {@code K8S_AnomalousSecretAccess} on day one; a novel
 * read in the history itself, three days old (past the one-day backfill horizon), raises nothing
 * (reported historical once the cluster's clock is known, else learned).
 */
class BackfillIT {

  private static final String SECRET = "K8S_AnomalousSecretAccess";

  @TempDir Path dir;

  /** The alerts of {@code type} of the local vigil up in {@code dir}. */
  static List<JsonNode> alertsOfType(Path dir, String type) throws Exception {
    var run = vigil("alerts", "--json", "--data-dir", dir.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    List<JsonNode> alerts = new ArrayList<>();
    for (JsonNode alert : Json.mapper().readTree(run.out())) {
      if (type == null || alert.path("alertType").asText().equals(type)) {
        alerts.add(alert);
      }
    }
    return alerts;
  }

  private List<JsonNode> alertsOfType(String type) throws Exception {
    return alertsOfType(dir, type);
  }

  static String read(String user, String resource, String namespace, String agent, Instant at) {
    ObjectNode event = Json.mapper().createObjectNode();
    event.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "Metadata")
        .put("auditID", UUID.randomUUID().toString()).put("stage", "ResponseComplete")
        .put("requestURI", "/api/v1/namespaces/" + namespace + "/" + resource).put("verb", "list")
        .put("userAgent", agent)
        .put("requestReceivedTimestamp", at.toString()).put("stageTimestamp", at.toString());
    event.putObject("user").put("username", user).putArray("groups").add("system:authenticated");
    event.putArray("sourceIPs").add("10.0.3.17");
    event.putObject("objectRef").put("resource", resource).put("namespace", namespace)
        .put("apiVersion", "v1");
    event.putObject("responseStatus").put("code", 200);
    return event.toString();
  }

  /** Eight days up to an hour ago, a few reads an hour with jitter; one novel read three days ago. */
  Path history(Instant now) throws Exception {
    Random random = new Random(21);
    String kubectl = "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350";
    List<String> lines = new ArrayList<>();
    for (Instant t = now.minus(Duration.ofDays(8)); t.isBefore(now.minus(Duration.ofHours(1)));
        t = t.plus(Duration.ofHours(1))) {
      Instant at = t.plusSeconds(random.nextInt(3000));
      lines.add(read("alice@example.com", "secrets", "team-a", kubectl, at));
      lines.add(read("system:serviceaccount:team-a:api", "configmaps", "team-a", "api/1.4", at.plusSeconds(7)));
      lines.add(read("system:serviceaccount:team-a:api", "secrets", "team-a", "api/1.4", at.plusSeconds(9)));
    }
    lines.add(read("eve@example.com", "secrets", "billing", kubectl, now.minus(Duration.ofDays(3))));
    return Files.write(dir.resolve("history.jsonl"), lines);
  }

  @Test
  void eightDaysOfBackfilledHistoryMakeAFirstSeenSecretReadAlertOnDayOne() throws Exception {
    Path token = dir.resolve("demo.token");
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(dir))) {
      var add = vigil("cluster", "add", "demo", "--data-dir", dir.toString(), "--token-out", token.toString());
      assertThat(add.exit()).as(add.err()).isZero();
      Instant now = Instant.now();

      var backfill = vigil("send", "--backfill", "--token-file", token.toString(), "--data-dir",
          dir.toString(), history(now).toString());
      assertThat(backfill.exit()).as(backfill.err()).isZero();
      assertThat(backfill.out()).contains("accepted 574, rejected 0");

      // Live traffic follows once detection has read the history and the cluster's clock has
      // reached every task (a commit interval later).
      Https https = Https.of(server);
      AtomicReference<String> lag = new AtomicReference<>();
      try {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
          String metrics = https.get("/metrics", null).body();
          lag.set(metrics.lines().filter(l -> l.startsWith("vigil_detection_lag_events"))
              .findFirst().orElse("(no lag gauge)"));
          return lag.get().equals("vigil_detection_lag_events 0.0");
        });
      } catch (ConditionTimeoutException e) {
        throw new AssertionError("detection did not catch up: " + lag.get(), e);
      }
      Thread.sleep(2_000);

      Path live = Files.write(dir.resolve("live.jsonl"), List.of(
          read("alice@example.com", "secrets", "team-a", "kubectl/v1.30.2", now),
          read("mallory@example.com", "secrets", "payments", "curl/8.5.0", now.plusSeconds(1))));
      var send = vigil("send", "--token-file", token.toString(), "--data-dir", dir.toString(), live.toString());
      assertThat(send.out()).as(send.err()).contains("accepted 2, rejected 0");

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> !alertsOfType(SECRET).isEmpty());
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> alertsOfType(SECRET).size() == 1);
      JsonNode alert = alertsOfType(SECRET).get(0);
      assertThat(alert.path("compromisedEntity").asText()).isEqualTo("mallory@example.com");
      assertThat(alert.path("severity").asText()).isEqualTo("High");
      assertThat(alert.path("extendedProperties").path("newNamespace").asText()).isEqualTo("payments");
      assertThat(alertsOfType(SECRET)).as("eve's novel read is history older than the horizon")
          .noneMatch(a -> a.path("compromisedEntity").asText().equals("eve@example.com"));

    }
  }
}
