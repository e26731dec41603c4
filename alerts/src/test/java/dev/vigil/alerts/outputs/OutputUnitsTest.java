package dev.vigil.alerts.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alerts.suppression.Suppressions;
import dev.vigil.alerts.table.DefinitionRoutes.BadRequest;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.OutputDefinition;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.SuppressionRule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputUnitsTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static Alert alert(String type, String cluster, Severity severity) {
    return new Alert("id-" + type + "-" + cluster, type, "Exec into pod", "d", severity, List.of(), List.of(),
        AlertStatus.Active, "ws", cluster, "ns/pods/p", List.of(Entity.of("namespace", "ns")), List.of(), NOW, NOW,
        NOW, 1, List.of(), Map.of("verb", "create"));
  }

  static OutputDefinition output(Severity min, List<String> types, List<String> clusters, Map<String, String> labels,
      boolean statusChanges) {
    return new OutputDefinition("out_1", "ws", null, "webhook", "https://siem.example/hook", "s3cret", min, types,
        clusters, labels, statusChanges, null, null, null, 20, 300, null, "admin:t", NOW);
  }

  @Test
  void routingDeliversNewAlertsWithinSeverityTypesClustersAndLabels() {
    OutputDefinition all = output(null, null, null, null, false);
    Alert high = alert("K8S_ExecIntoPod", "prod", Severity.High);
    assertThat(Routing.route(all, high, true, false)).isEqualTo(Message.Kind.NEW);
    assertThat(Routing.route(all, high, false, false)).as("count update").isNull();
    assertThat(Routing.route(all, high, false, true)).as("status change not asked for").isNull();
    assertThat(Routing.route(output(null, null, null, null, true), high, false, true)).isEqualTo(Message.Kind.STATUS);

    assertThat(Routing.route(output(Severity.Medium, null, null, null, false), alert("T", "prod", Severity.Low), true,
        false)).isNull();
    assertThat(Routing.route(output(Severity.Medium, null, null, null, false), high, true, false)).isNotNull();
    assertThat(Routing.route(output(null, List.of("K8S_Other"), null, null, false), high, true, false)).isNull();
    assertThat(Routing.route(output(null, null, List.of("staging"), null, false), high, true, false)).isNull();
    assertThat(Routing.route(output(null, null, List.of("prod"), Map.of("verb", "create"), false), high, true, false))
        .isNotNull();
    assertThat(Routing.route(output(null, null, null, Map.of("verb", "delete"), false), high, true, false)).isNull();
  }

  @Test
  void routingSkipsOtherWorkspacesAndSuppressedAlerts() {
    OutputDefinition all = output(null, null, null, null, true);
    Alert other = new Alert("x", "T", "T", "d", Severity.High, List.of(), List.of(), AlertStatus.Active, "ws-2", "prod",
        "e", List.of(), List.of(), NOW, NOW, NOW, 1, List.of(), Map.of());
    assertThat(Routing.route(all, other, true, false)).isNull();
    Alert suppressed = Suppressions.dismiss(alert("T", "prod", Severity.High),
        new SuppressionRule("sup_1", "ws", "T", null, null, "benign", null, "admin:t", NOW), NOW);
    assertThat(Routing.route(all, suppressed, true, false)).isNull();
  }

  @Test
  void theSignatureIsTheHexHmacSha256OfTheRawBody() {
    assertThat(Signature.of("key", "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  }

  @Test
  void throttlingCountsWhatItHoldsBackAndReturnsItAsADigestWhenTheWindowEnds() {
    Throttle throttle = new Throttle(2, Duration.ofMinutes(5));
    Alert exec = alert("K8S_ExecIntoPod", "prod", Severity.High);
    assertThat(throttle.admit(exec, NOW)).isTrue();
    assertThat(throttle.admit(exec, NOW.plusSeconds(1))).isTrue();
    for (int i = 0; i < 37; i++) {
      assertThat(throttle.admit(exec, NOW.plusSeconds(2 + i))).isFalse();
    }
    assertThat(throttle.admit(alert("K8S_Other", "dev", Severity.Low), NOW.plusSeconds(60))).isFalse();
    assertThat(throttle.due(NOW.plusSeconds(299))).isEmpty();

    List<Throttle.Held> digest = throttle.due(NOW.plusSeconds(300));

    assertThat(digest).extracting(h -> h.describe(throttle.window())).containsExactly(
        "37 more K8S_ExecIntoPod alerts from cluster prod in the last 5 min",
        "1 more K8S_Other alert from cluster dev in the last 5 min");
    assertThat(throttle.holding()).isFalse();
    assertThat(throttle.admit(exec, NOW.plusSeconds(301))).as("a new window").isTrue();
  }

  @Test
  void theIdempotencyKeyIsTheAlertIdAndVersion() {
    assertThat(Message.keyOf("abc", 42)).isEqualTo("abc:v42");
  }

  private static OutputDefinition parse(String json) throws Exception {
    return OutputSpec.parse(Json.mapper().readTree(json), "ws", "admin:t", NOW);
  }

  @Test
  void plainSchemesAreAcceptedOnlyToLoopbackAddresses() throws Exception {
    assertThat(parse("{\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:9000/h\",\"secret\":\"s\"}").url())
        .isEqualTo("http://127.0.0.1:9000/h");
    assertThat(parse("{\"kind\":\"slack\",\"url\":\"http://localhost/h\"}").kind()).isEqualTo("slack");
    assertThat(parse("{\"kind\":\"webhook\",\"url\":\"https://siem.example/h\",\"secret\":\"s\"}").id()).startsWith("out_");
    assertThatThrownBy(() -> parse("{\"kind\":\"webhook\",\"url\":\"http://siem.example/h\",\"secret\":\"s\"}"))
        .isInstanceOf(BadRequest.class).hasMessageContaining("loopback");
    assertThatThrownBy(() -> parse("{\"kind\":\"syslog\",\"url\":\"tcp://10.0.0.1:514\"}"))
        .isInstanceOf(BadRequest.class).hasMessageContaining("loopback");
    assertThat(parse("{\"kind\":\"syslog\",\"url\":\"tls://siem.example\"}").url()).isEqualTo("tls://siem.example");
    assertThatThrownBy(() -> parse("{\"kind\":\"teams\",\"url\":\"ftp://x\"}")).isInstanceOf(BadRequest.class);
  }

  @Test
  void anOutputIsCheckedBeforeItIsStored() throws Exception {
    assertThatThrownBy(() -> parse("{\"kind\":\"webhook\",\"url\":\"https://siem.example/h\"}"))
        .isInstanceOf(BadRequest.class).hasMessageContaining("secret");
    assertThatThrownBy(() -> parse("{\"kind\":\"email\",\"url\":\"smtp://mail.example\"}"))
        .isInstanceOf(BadRequest.class).hasMessageContaining("to");
    assertThatThrownBy(() -> parse("{\"kind\":\"pager\",\"url\":\"https://x\"}")).isInstanceOf(BadRequest.class);
    assertThatThrownBy(() -> parse("{\"kind\":\"slack\",\"url\":\"https://x\",\"minSeverity\":\"Huge\"}"))
        .isInstanceOf(BadRequest.class);
    OutputDefinition full = parse("{\"kind\":\"email\",\"url\":\"smtp://mail.example:587\",\"from\":\"v@x\","
        + "\"to\":[\"soc@x\"],\"username\":\"u\",\"secret\":\"p\",\"minSeverity\":\"high\",\"alertTypes\":[\"T\"],"
        + "\"clusters\":[\"prod\"],\"labels\":{\"verb\":\"create\"},\"statusChanges\":true,\"maxPerWindow\":5,"
        + "\"windowSeconds\":60}");
    assertThat(full.minSeverity()).isEqualTo(Severity.High);
    assertThat(full.maxPerWindow()).isEqualTo(5);
    assertThat(full.statusChanges()).isTrue();
  }

  @Test
  void slackAndTeamsMessagesAreReadableAndLinkToTheAlert() throws Exception {
    Message m = new Message(Message.Kind.NEW, alert("K8S_ExecIntoPod", "prod", Severity.High), null, null, "k",
        "https://vigil:8443/#alert=id");
    ObjectNode slack = (ObjectNode) Json.mapper().readTree(Formats.slack(m));
    assertThat(slack.get("text").asText()).isEqualTo("[High] K8S_ExecIntoPod on cluster prod");
    assertThat(slack.toString()).contains("Entity: ns/pods/p").contains("<https://vigil:8443/#alert=id|");
    ObjectNode teams = (ObjectNode) Json.mapper().readTree(Formats.teams(m));
    assertThat(teams.at("/attachments/0/content/type").asText()).isEqualTo("AdaptiveCard");
    assertThat(teams.at("/attachments/0/content/actions/0/url").asText()).isEqualTo("https://vigil:8443/#alert=id");
  }
}
