package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.settings.Settings;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.testing.Corpus;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil up --rules-dir} on the embedded broker: the SigmaHQ corpus rules raise {@code SIGMA_*}
 * alerts for matching events, a rule added while running is picked up, and an invalid rule stops
 * start-up with an error naming file and line.
 */
class SigmaRulesIT {

  static final String DEPLOYMENT_DELETED = "SIGMA_40967487-139b-4811-81d9-c9767a92aa5a";
  static final String ADDED_RULE = "SIGMA_mallory-reads-configmaps";

  @TempDir Path dir;
  @TempDir Path rules;

  record Run(int exit, String out, String err) {}

  static Run vigil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Vigil.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  JsonNode alert(String type) throws Exception {
    Run run = vigil("alerts", "--json", "--data-dir", dir.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    for (JsonNode alert : Json.mapper().readTree(run.out())) {
      if (alert.path("alertType").asText().equals(type)) {
        return alert;
      }
    }
    return null;
  }

  static String event(String id, String verb, String user, String resource, String name) {
    return """
        {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"%s","stage":"ResponseComplete",
         "requestURI":"/apis/apps/v1/namespaces/shop/%s/%s","verb":"%s","user":{"username":"%s"},
         "sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.30.2","objectRef":{"resource":"%s","namespace":"shop",
         "name":"%s","apiVersion":"v1"},"responseStatus":{"code":200},
         "requestReceivedTimestamp":"2024-05-01T10:00:01.100000Z","stageTimestamp":"2024-05-01T10:00:01.130000Z"}
        """.formatted(id, resource, name, verb, user, resource, name).replace("\n", "") + "\n";
  }

  @Test
  void corpusRulesRaiseSigmaAlertsAndANewRuleFileIsPickedUp() throws Exception {
    try (Stream<Path> files = Files.list(Corpus.sigmaRules())) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, rules.resolve(file.getFileName()));
      }
    }
    Path token = dir.resolve("demo.token");
    // The corpus holds three rules that cannot match raw audit events: lenient skips them.
    try (VigilServer server = VigilServer.start(VigilConfig.forTests(dir).with(Settings.RULES_DIR, rules)
        .with(Settings.RULES_LENIENT, true))) {
      assertThat(vigil("cluster", "add", "demo", "--data-dir", dir.toString(), "--token-out", token.toString())
          .exit()).isZero();
      Path events = dir.resolve("events.jsonl");
      Files.writeString(events, event("sigma-it-1", "delete", "alice", "deployments", "checkout"));
      Run send = vigil("send", "--token-file", token.toString(), "--data-dir", dir.toString(), events.toString());
      assertThat(send.exit()).as(send.err()).isZero();

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> alert(DEPLOYMENT_DELETED) != null);
      JsonNode alert = alert(DEPLOYMENT_DELETED);
      SchemaAssertions.assertValid(SchemaAssertions.ALERT, alert);
      assertThat(alert.path("displayName").asText()).isEqualTo("Deployment Deleted");
      assertThat(alert.path("severity").asText()).isEqualTo("Low");
      assertThat(alert.path("techniques").toString()).contains("T1498");
      assertThat(alert.path("extendedProperties").path("sigmaRuleAuthor").asText())
          .isEqualTo("Leo Tsaousis (@laripping)");

      Files.writeString(rules.resolve("mallory.yml"), """
          title: Mallory reads config maps
          id: mallory-reads-configmaps
          level: high
          logsource: {product: kubernetes, service: audit}
          detection:
            selection: {user.username: mallory, verb: get, objectRef.resource: configmaps}
            condition: selection
          """);
      Files.writeString(events, event("sigma-it-2", "get", "mallory", "configmaps", "settings"));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        // Resend until the watcher has swapped the rules in; each send is a new auditID.
        Files.writeString(events, event("sigma-it-" + System.nanoTime(), "get", "mallory", "configmaps", "settings"));
        vigil("send", "--token-file", token.toString(), "--data-dir", dir.toString(), events.toString());
        return alert(ADDED_RULE) != null;
      });
      assertThat(alert(ADDED_RULE).path("severity").asText()).isEqualTo("High");
    }
  }

  @Test
  void anInvalidRuleStopsStartUpNamingFileAndLine() throws Exception {
    Files.writeString(rules.resolve("broken.yml"), """
        title: Broken
        id: broken-rule
        level: medium
        logsource: {product: kubernetes, service: audit}
        detection:
          selection:
            objectRef.resorce: pods
          condition: selection or filter
        """);
    Run up = vigil("up", "--data-dir", dir.toString(), "--port", "0", "--bind", "127.0.0.1",
        "--rules-dir", rules.toString());
    assertThat(up.exit()).isEqualTo(1);
    assertThat(up.err())
        .contains("2 errors in Sigma rules")
        .contains(rules.resolve("broken.yml") + ":7: rule broken-rule: UNKNOWN_FIELD: unknown field \"objectRef.resorce\"")
        .contains(rules.resolve("broken.yml") + ":8: rule broken-rule: BAD_CONDITION: the condition"
            + " \"selection or filter\" names \"filter\", but the detection has no such selection (it has: selection)")
        .contains("--rules-lenient");
  }
}
