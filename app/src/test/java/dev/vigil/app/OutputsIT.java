package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.vigil.alerts.outputs.Signature;
import dev.vigil.alerts.outputs.receivers.HttpReceiver;
import dev.vigil.alerts.outputs.receivers.SyslogReceiver;
import dev.vigil.app.settings.VigilConfig;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs and suppression rules on the embedded broker over real HTTPS, each output delivering to a
 * real receiver started here: an HTTPS webhook that checks the signature, a Slack-format endpoint,
 * GreenMail's SMTP inbox and a syslog TCP listener.
 */
class OutputsIT {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String SECRET = "webhook-secret";

  @TempDir static Path dir;
  @TempDir static Path receiverTls;
  static VigilServer server;
  static Https https;
  static String admin;
  static String reader;
  static HttpReceiver webhook;
  static HttpReceiver slack;
  static GreenMail mail;
  static SyslogReceiver syslog;
  static String webhookId;

  @BeforeAll
  static void start() throws Exception {
    server = VigilServer.start(VigilConfig.forTests(dir));
    https = Https.of(server);
    admin = Files.readString(dir.resolve("admin.token")).trim();
    reader = https.postJson("/v1/tokens", admin, "{\"role\":\"reader\"}").json().get("token").asText();
    TlsMaterial tls = TlsMaterial.loadOrCreate(receiverTls, List.of());
    webhook = new HttpReceiver(tls).start();
    slack = new HttpReceiver(null).start();
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    syslog = new SyslogReceiver();

    Map<String, Object> hook = new HashMap<>(Map.of("kind", "webhook", "url", webhook.url("/vigil"), "secret", SECRET,
        "caCertificate", tls.caPem(), "maxPerWindow", 1000));
    webhookId = create(hook);
    create(Map.of("kind", "slack", "url", slack.url("/services/T0/B0/x")));
    create(Map.of("kind", "email", "url", "smtp://127.0.0.1:" + mail.getSmtp().getPort(), "from", "vigil@example.org",
        "to", List.of("soc@example.org")));
    create(Map.of("kind", "syslog", "url", syslog.url()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {webhook, slack, syslog}) {
      if (c != null) {
        c.close();
      }
    }
    if (mail != null) {
      mail.stop();
    }
  }

  static String create(Map<String, Object> output) throws Exception {
    Https.Answer a = https.postJson("/v1/outputs", admin, Json.mapper().writeValueAsString(output));
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    assertThat(a.json().has("secret")).isFalse();
    return a.json().get("id").asText();
  }

  static void simulate(String cluster) throws Exception {
    https.addCluster(admin, cluster);
    Https.Answer a = https.method("POST", "/v1/clusters/" + cluster + "/simulate", admin, null);
    assertThat(a.status()).as(a.body()).isEqualTo(202);
  }

  /** The alerts the webhook accepted, each checked against its signature. */
  static List<JsonNode> webhookAlerts() throws IOException {
    List<JsonNode> alerts = new ArrayList<>();
    for (HttpReceiver.Request r : webhook.accepted()) {
      assertThat(r.header("X-Vigil-Signature")).isEqualTo(Signature.of(SECRET, r.body()));
      alerts.add(Json.mapper().readTree(r.body()));
    }
    return alerts;
  }

  static Set<String> webhookClusters() throws IOException {
    return webhookAlerts().stream().map(a -> a.path("cluster").asText()).collect(Collectors.toSet());
  }

  @Test
  void theTestAlertReachesTheWebhookSlackTheInboxAndSyslog() throws Exception {
    simulate("to-all");

    await().atMost(WAIT).until(() -> webhookClusters().contains("to-all"));
    await().atMost(WAIT).until(() -> slack.accepted().stream().anyMatch(r -> r.text().contains("cluster to-all")));
    await().atMost(WAIT).until(() -> List.of(mail.getReceivedMessages()).stream()
        .anyMatch(m -> subject(m).contains("K8S_TestAlert on cluster to-all")));
    await().atMost(WAIT).until(() -> syslog.messages().stream().anyMatch(m -> m.contains("\"cluster\":\"to-all\"")));
    JsonNode alert = webhookAlerts().stream().filter(a -> a.path("cluster").asText().equals("to-all")).findFirst()
        .orElseThrow();
    assertThat(alert.get("alertType").asText()).isEqualTo("K8S_TestAlert");
    assertThat(alert.get("status").asText()).isEqualTo("Active");

    Https.Answer test = https.method("POST", "/v1/outputs/" + webhookId + "/test", admin, null);
    assertThat(test.status()).as(test.body()).isEqualTo(200);
    assertThat(webhook.accepted()).anyMatch(r -> "test".equals(r.header("X-Vigil-Event")));
    assertThat(https.method("POST", "/v1/outputs/" + webhookId + "/test", reader, null).status()).isEqualTo(403);

    String metrics = https.get("/metrics", admin).body();
    assertThat(metrics).contains("vigil_output_delivered_total{output=\"" + webhookId + "\"}");
  }

  @Test
  void aWebhookDownForTheMiddleThirdReceivesEveryAlertAfterwardsAndNoneTwiceUnderAnotherKey() throws Exception {
    List<String> clusters = List.of("run-a1", "run-a2", "run-a3", "run-b1", "run-b2", "run-b3", "run-c1", "run-c2",
        "run-c3");
    for (String c : clusters.subList(0, 3)) {
      simulate(c);
    }
    await().atMost(WAIT).until(() -> webhookClusters().containsAll(clusters.subList(0, 3)));

    webhook.stop();
    for (String c : clusters.subList(3, 6)) {
      simulate(c);
    }
    await().atMost(WAIT).until(() -> "failing".equals(https.get("/v1/outputs/" + webhookId, reader).json()
        .path("state").asText()));
    assertThat(https.get("/v1/outputs/" + webhookId, reader).json().path("delivery").path("lastError").asText())
        .isNotEmpty();

    webhook.start();
    for (String c : clusters.subList(6, 9)) {
      simulate(c);
    }
    await().atMost(WAIT).until(() -> webhookClusters().containsAll(clusters));
    await().atMost(WAIT).until(() -> "ok".equals(https.get("/v1/outputs/" + webhookId, reader).json()
        .path("state").asText()));

    Map<String, Set<String>> keysByAlert = new HashMap<>();
    for (HttpReceiver.Request r : webhook.accepted()) {
      String id = Json.mapper().readTree(r.body()).path("id").asText();
      keysByAlert.computeIfAbsent(id, k -> new HashSet<>()).add(r.header("X-Vigil-Idempotency-Key"));
    }
    assertThat(keysByAlert.values()).allSatisfy(keys -> assertThat(keys).hasSize(1));
  }

  @Test
  void aSuppressionCreatedThroughTheApiDismissesTheNextMatchingAlertAndNoOutputGetsIt() throws Exception {
    String body = "{\"alertType\":\"K8S_TestAlert\",\"cluster\":\"quiet\",\"reason\":\"load test cluster\"}";
    assertThat(https.postJson("/v1/suppressions", reader, body).status()).isEqualTo(403);
    Https.Answer created = https.postJson("/v1/suppressions", admin, body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String ruleId = created.json().get("id").asText();

    simulate("quiet");
    await().atMost(WAIT).until(() -> https.get("/v1/alerts?cluster=quiet", reader).json().path("alerts").size() == 1);
    JsonNode alert = https.get("/v1/alerts?cluster=quiet", reader).json().path("alerts").get(0);
    assertThat(alert.get("status").asText()).isEqualTo("Dismissed");
    assertThat(alert.get("history").get(0).get("changedBy").asText()).isEqualTo("suppression:" + ruleId);

    // An alert published after the suppressed one reaches every output; the suppressed one none.
    simulate("loud");
    await().atMost(WAIT).until(() -> webhookClusters().contains("loud"));
    await().atMost(WAIT).until(() -> syslog.messages().stream().anyMatch(m -> m.contains("\"cluster\":\"loud\"")));
    await().atMost(WAIT).until(() -> slack.accepted().stream().anyMatch(r -> r.text().contains("cluster loud")));
    await().atMost(WAIT).until(() -> List.of(mail.getReceivedMessages()).stream()
        .anyMatch(m -> subject(m).contains("cluster loud")));
    assertThat(webhookClusters()).doesNotContain("quiet");
    assertThat(syslog.messages()).noneMatch(m -> m.contains("\"cluster\":\"quiet\""));
    assertThat(slack.accepted()).noneMatch(r -> r.text().contains("cluster quiet"));
    assertThat(List.of(mail.getReceivedMessages())).noneMatch(m -> subject(m).contains("cluster quiet"));

    JsonNode rules = https.get("/v1/suppressions", reader).json().path("suppressions");
    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).get("matches").asLong()).isEqualTo(1);
    assertThat(rules.get(0).get("lastMatchedAt").asText()).isNotEmpty();
    assertThat(https.method("DELETE", "/v1/suppressions/" + ruleId, admin, null).status()).isEqualTo(204);
    assertThat(https.get("/v1/suppressions", reader).json().path("suppressions")).isEmpty();
  }

  @Test
  void aThrottledOutputCountsWhatItHoldsBackIntoADigest() throws Exception {
    try (HttpReceiver throttled = new HttpReceiver(null).start()) {
      create(Map.of("kind", "webhook", "url", throttled.url("/t"), "secret", SECRET, "alertTypes",
          List.of("K8S_TestAlert"), "maxPerWindow", 1, "windowSeconds", 5));
      for (String c : List.of("burst-1", "burst-2", "burst-3", "burst-4")) {
        simulate(c);
      }

      // Every alert is either sent on its own or counted into a digest: none is dropped silently.
      await().atMost(WAIT).until(() -> {
        long alone = 0;
        long counted = 0;
        for (HttpReceiver.Request r : throttled.accepted()) {
          JsonNode body = Json.mapper().readTree(r.body());
          if (body.path("digest").asBoolean()) {
            for (JsonNode held : body.path("held")) {
              counted += held.path("count").asLong();
            }
          } else if (body.path("cluster").asText().startsWith("burst-")) {
            alone++;
          }
        }
        return alone + counted == 4;
      });
      assertThat(throttled.accepted()).anyMatch(r -> "digest".equals(r.header("X-Vigil-Event"))
          && r.text().contains("more K8S_TestAlert alert"));
    }
  }

  private static String subject(jakarta.mail.Message m) {
    try {
      return m.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      return "";
    }
  }
}
