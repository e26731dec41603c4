package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.schemas.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stateful detection acceptance on a running server: a burst of forbidden requests pushed
 * through the HTTPS gateway becomes one {@code VIGIL_ForbiddenBurst} alert within 5 seconds of the
 * last push, reported by wall-clock punctuation with no further event; the same number of refused
 * requests spread over different users raises nothing.
 */
class StatefulDetectionIT {

  private static final String BURST = "VIGIL_ForbiddenBurst";

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  Run vigil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  List<JsonNode> alertsOfType(String type) throws Exception {
    Run run = vigil("alerts", "--json", "--data-dir", dir.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    List<JsonNode> alerts = new ArrayList<>();
    for (JsonNode alert : Json.mapper().readTree(run.out())) {
      if (alert.path("alertType").asText().equals(type)) {
        alerts.add(alert);
      }
    }
    return alerts;
  }

  static String forbiddenRequest(String user, Instant at) {
    ObjectNode event = Json.mapper().createObjectNode();
    event.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "Metadata")
        .put("auditID", UUID.randomUUID().toString()).put("stage", "ResponseComplete")
        .put("requestURI", "/api/v1/namespaces/prod/secrets/db").put("verb", "get")
        .put("userAgent", "curl/8.5.0")
        .put("requestReceivedTimestamp", at.toString()).put("stageTimestamp", at.toString());
    event.putObject("user").put("username", user);
    event.putArray("sourceIPs").add("198.51.100.23");
    event.putObject("objectRef").put("resource", "secrets").put("namespace", "prod").put("name", "db")
        .put("apiVersion", "v1");
    event.putObject("responseStatus").put("code", 403).put("reason", "Forbidden");
    return event.toString();
  }

  Path eventsFile(String name, List<String> users) throws Exception {
    Instant now = Instant.now();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      lines.add(forbiddenRequest(users.get(i), now.plusMillis(i)));
    }
    return Files.write(dir.resolve(name), lines);
  }

  @Test
  void twelveForbiddenRequestsOfOneUserGiveOneBurstAlertWithinFiveSecondsTwelveUsersNone()
      throws Exception {
    Path token = dir.resolve("demo.token");
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(dir))) {
      Run add = vigil("cluster", "add", "demo", "--data-dir", dir.toString(), "--token-out", token.toString());
      assertThat(add.exit()).as(add.err()).isZero();

      List<String> twelveUsers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        twelveUsers.add("user-" + i + "@example.com");
      }
      Run spread = vigil("send", "--token-file", token.toString(), "--data-dir", dir.toString(),
          eventsFile("spread.jsonl", twelveUsers).toString());
      assertThat(spread.out()).as(spread.err()).contains("accepted 12, rejected 0");

      Run burst = vigil("send", "--token-file", token.toString(), "--data-dir", dir.toString(),
          eventsFile("burst.jsonl", java.util.Collections.nCopies(12, "mallory@example.com")).toString());
      assertThat(burst.out()).as(burst.err()).contains("accepted 12, rejected 0");

      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
          .until(() -> !alertsOfType(BURST).isEmpty());
      // Nothing more comes: not for the twelve users, not a second alert for the burst.
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> alertsOfType(BURST).size() == 1);

      JsonNode alert = alertsOfType(BURST).get(0);
      assertThat(alert.path("compromisedEntity").asText()).isEqualTo("mallory@example.com");
      assertThat(alert.path("cluster").asText()).isEqualTo("demo");
      assertThat(alert.path("count").asInt()).isEqualTo(12);
      assertThat(alert.path("auditIds")).hasSize(12);
      assertThat(alert.path("extendedProperties").path("threshold").asText()).isEqualTo("10");
      assertThat(alert.path("extendedProperties").path("sourceIPs").asText()).isEqualTo("198.51.100.23");
    }
  }
}
