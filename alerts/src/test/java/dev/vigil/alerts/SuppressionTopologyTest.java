package dev.vigil.alerts;

import static dev.vigil.alerts.TestFindings.finding;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.suppression.Suppressions;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.SuppressionRule;
import dev.vigil.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuppressionTopologyTest {
  private static final Instant WALL = Instant.parse("2024-05-01T12:00:00Z");
  private static final Instant T0 = Instant.parse("2024-05-01T11:59:00Z");

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Finding> findings;
  private TestInputTopic<String, SuppressionRule> rules;
  private TestOutputTopic<String, Alert> alerts;

  @BeforeEach
  void startDriver() {
    driver = new TopologyTestDriver(AlertsTopology.build(AlertsConfig.defaults(new SimpleMeterRegistry())),
        AlertsApp.streamsProperties("localhost:9092", stateDir), WALL);
    findings = driver.createInputTopic(Topics.FINDINGS.name(), Topics.FINDINGS.keySerde().serializer(),
        Topics.FINDINGS.valueSerde().serializer());
    rules = driver.createInputTopic(Topics.SUPPRESSIONS.name(), Topics.SUPPRESSIONS.keySerde().serializer(),
        Topics.SUPPRESSIONS.valueSerde().serializer());
    alerts = driver.createOutputTopic(Topics.ALERTS.name(), Topics.ALERTS.keySerde().deserializer(),
        Topics.ALERTS.valueSerde().deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private static SuppressionRule rule(String id, String workspace, Instant expiresAt) {
    return new SuppressionRule(id, workspace, TestFindings.TYPE, TestFindings.CLUSTER,
        Map.of("namespace", TestFindings.PRIVILEGED_POD.namespace()), "known CI job", expiresAt, "admin:t1", WALL);
  }

  private Alert created(Finding f) {
    findings.pipeInput(f.fingerprint(), f, f.startTime());
    return alerts.readValue();
  }

  @Test
  void aNewAlertMatchingARuleIsStoredDismissedNamingTheRule() {
    rules.pipeInput("sup_1", rule("sup_1", TestFindings.WORKSPACE, null));

    Alert alert = created(finding(T0, "a1"));

    assertThat(alert.status()).isEqualTo(AlertStatus.Dismissed);
    assertThat(alert.history()).singleElement().satisfies(h -> {
      assertThat(h.changedBy()).isEqualTo("suppression:sup_1");
      assertThat(h.comment()).contains("sup_1").contains("known CI job");
      assertThat(h.changedAt()).isEqualTo(WALL);
    });
    assertThat(Suppressions.suppressed(alert)).isTrue();
    assertThat(Suppressions.ruleOf(alert)).isEqualTo("sup_1");
    assertThat(driver.<String, Object>getKeyValueStore(AlertsTopology.ALERTS_BY_ID_STORE).get(alert.id()))
        .isNotNull();
  }

  @Test
  void anExpiredRuleOrOneOfAnotherWorkspaceStopsMatching() {
    rules.pipeInput("sup_1", rule("sup_1", TestFindings.WORKSPACE, WALL.minusSeconds(1)));
    rules.pipeInput("sup_2", rule("sup_2", "other-workspace", null));

    Alert alert = created(finding(T0, "a1"));

    assertThat(alert.status()).isEqualTo(AlertStatus.Active);
    assertThat(alert.history()).isEmpty();
  }

  @Test
  void aDeletedRuleStopsMatchingTheNextAlert() {
    rules.pipeInput("sup_1", rule("sup_1", TestFindings.WORKSPACE, null));
    rules.pipeInput("sup_1", null);

    assertThat(created(finding(T0, "a1")).status()).isEqualTo(AlertStatus.Active);
  }
}
