package dev.vigil.app;

import static dev.vigil.app.SigmaRulesIT.vigil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topic;
import dev.vigil.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backtest and shadow mode on a running server with a real broker. Live, a Sigma rule flagged
 * {@code shadow: true} is evaluated, counted and sampled to {@code vigil.findings.shadow.v1}, and
 * raises no alert. Then {@code vigil rules test} over the seeded raw topic reports, per rule, what
 * the candidate rules would have raised (a new rule, the shadow rule in full, the built-in test
 * alert and forbidden-burst window) beside what the live rules raised, and publishes nothing: no
 * topic's end offset moves.
 */
class RulesBacktestIT {

  static final String SHADOW_RULE = "SIGMA_shadow-configmaps";
  static final String CANDIDATE_RULE = "SIGMA_candidate-deployment-deletes";
  static final String SHADOW_YAML = """
      title: Mallory reads config maps (trial)
      id: shadow-configmaps
      level: high
      shadow: true
      logsource: {product: kubernetes, service: audit}
      detection:
        selection: {user.username: mallory, verb: get, objectRef.resource: configmaps}
        condition: selection
      """;

  @TempDir Path dir;
  @TempDir Path liveRules;
  @TempDir Path candidateRules;

  static String event(String user, String verb, String resource, String name, int code, Instant at) {
    ObjectNode event = Json.mapper().createObjectNode();
    event.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "Metadata")
        .put("auditID", UUID.randomUUID().toString()).put("stage", "ResponseComplete")
        .put("requestURI", "/apis/apps/v1/namespaces/shop/" + resource + "/" + name).put("verb", verb)
        .put("userAgent", "kubectl/v1.30.2")
        .put("requestReceivedTimestamp", at.toString()).put("stageTimestamp", at.toString());
    event.putObject("user").put("username", user);
    event.putArray("sourceIPs").add("10.0.0.7");
    event.putObject("objectRef").put("resource", resource).put("namespace", "shop").put("name", name)
        .put("apiVersion", "v1");
    event.putObject("responseStatus").put("code", code);
    return event.toString();
  }

  boolean hasAlert(String type) throws Exception {
    return !BackfillIT.alertsOfType(dir, type).isEmpty();
  }

  static Map<TopicPartition, Long> endOffsets(VigilServer server) {
    Map<String, Object> config = new HashMap<>(server.kafkaClientProperties());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (Topic<?, ?> topic : Topics.all()) {
        consumer.partitionsFor(topic.name()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      }
      return consumer.endOffsets(partitions);
    }
  }

  @Test
  void aShadowRuleIsCountedNotAlertedAndTheBacktestReportsPerRuleCountsPublishingNothing()
      throws Exception {
    Files.writeString(liveRules.resolve("shadow.yml"), SHADOW_YAML);
    Files.writeString(candidateRules.resolve("shadow.yml"), SHADOW_YAML);
    Files.writeString(candidateRules.resolve("deletes.yml"), """
        title: Deployment deleted (candidate)
        id: candidate-deployment-deletes
        level: low
        logsource: {product: kubernetes, service: audit}
        detection:
          selection: {verb: delete, objectRef.resource: deployments}
          condition: selection
        """);
    Path token = dir.resolve("demo.token");
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(dir).with(Settings.RULES_DIR, liveRules))) {
      assertThat(vigil("cluster", "add", "demo", "--data-dir", dir.toString(), "--token-out", token.toString())
          .exit()).isZero();
      Instant now = Instant.now();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        lines.add(event("mallory", "get", "configmaps", "settings", 200, now.plusMillis(i)));
      }
      lines.add(event("alice", "delete", "deployments", "checkout", 200, now.plusMillis(5)));
      for (int i = 0; i < 12; i++) {
        lines.add(event("eve", "get", "secrets", "db-" + i, 403, now.plusMillis(10 + i)));
      }
      for (int i = 0; i < 2; i++) {
        lines.add(new String(TestAlertEvent.create("rules-test-" + i, now.plusMillis(30 + i)),
            StandardCharsets.UTF_8).strip());
      }
      Path events = Files.write(dir.resolve("events.jsonl"), lines);
      var send = vigil("send", "--token-file", token.toString(), "--data-dir", dir.toString(), events.toString());
      assertThat(send.out()).as(send.err()).contains("accepted 18, rejected 0");

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> hasAlert("K8S_TestAlert") && hasAlert("VIGIL_ForbiddenBurst"));
      Https https = Https.of(server);
      await().atMost(Duration.ofSeconds(10)).until(() -> https.get("/metrics", null).body()
          .contains("vigil_findings_shadow_total{type=\"" + SHADOW_RULE + "\"} 3.0"));
      assertThat(hasAlert(SHADOW_RULE)).as("a shadow rule never alerts").isFalse();

      // The live side counts committed findings. The two test alerts are keyed by two users, so
      // they may be committed in two transactions, and on a busy machine the second came more than
      // 3 s after the first alert (a CI run counted 1 of 2): the backtest is run again until the
      // live findings are all in, and must publish nothing each time.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
        Map<TopicPartition, Long> before = endOffsets(server);
        var test = vigil("rules", "test", "--rules-dir", candidateRules.toString(), "--since", "1h",
            "--data-dir", dir.toString(), "--json");
        assertThat(test.exit()).as(test.err()).isZero();
        assertThat(endOffsets(server)).as("the backtest publishes nothing").isEqualTo(before);

        JsonNode report = Json.mapper().readTree(test.out());
        assertThat(report.path("records").asLong()).isEqualTo(18);
        Map<String, JsonNode> rules = new HashMap<>();
        report.path("rules").forEach(r -> rules.put(r.path("alertType").asText(), r));
        assertThat(rules.get(CANDIDATE_RULE).path("backtest").path("findings").asLong()).isEqualTo(1);
        assertThat(rules.get(CANDIDATE_RULE).path("live").path("findings").asLong()).isZero();
        assertThat(rules.get(SHADOW_RULE).path("shadow").asBoolean()).isTrue();
        assertThat(rules.get(SHADOW_RULE).path("backtest").path("findings").asLong()).isEqualTo(3);
        assertThat(rules.get(SHADOW_RULE).path("backtest").path("alerts").asLong()).isEqualTo(1);
        assertThat(rules.get(SHADOW_RULE).path("live").path("findings").asLong()).isZero();
        assertThat(rules.get("K8S_TestAlert").path("backtest").path("findings").asLong()).isEqualTo(2);
        assertThat(rules.get("K8S_TestAlert").path("live").path("findings").asLong()).isEqualTo(2);
        JsonNode burst = rules.get("VIGIL_ForbiddenBurst");
        assertThat(burst.path("backtest").path("findings").asLong()).isPositive()
            .isEqualTo(burst.path("live").path("findings").asLong());
        assertThat(burst.path("difference").asLong()).isZero();
      });

      var table = vigil("rules", "test", "--rules-dir", candidateRules.toString(), "--since", "1h",
          "--data-dir", dir.toString());
      assertThat(table.out()).as(table.err()).contains(CANDIDATE_RULE, "shadow", "nothing published");
    }
  }
}
