package dev.vigil.alerts;

import static dev.vigil.alerts.TestFindings.finding;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.AlertStatusChange;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.testing.SchemaAssertions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertLifecycleTopologyTest {
  private static final Instant WALL = Instant.parse("2024-05-01T12:00:00Z");
  private static final Instant T0 = Instant.parse("2024-05-01T11:59:00Z");
  private static final Duration WINDOW = AlertsConfig.DEFAULT_DEDUP_WINDOW;

  @TempDir Path stateDir;
  private SimpleMeterRegistry registry;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Finding> findings;
  private TestInputTopic<String, AlertStatusChange> status;
  private TestOutputTopic<String, Alert> alerts;
  private TestOutputTopic<String, JsonNode> ocsf;

  @BeforeEach
  void startDriver() {
    registry = new SimpleMeterRegistry();
    driver =
        new TopologyTestDriver(
            AlertsTopology.build(AlertsConfig.defaults(registry)),
            AlertsApp.streamsProperties("localhost:9092", stateDir),
            WALL);
    findings =
        driver.createInputTopic(
            Topics.FINDINGS.name(),
            Topics.FINDINGS.keySerde().serializer(),
            Topics.FINDINGS.valueSerde().serializer());
    status =
        driver.createInputTopic(
            Topics.ALERT_STATUS.name(),
            Topics.ALERT_STATUS.keySerde().serializer(),
            Topics.ALERT_STATUS.valueSerde().serializer());
    alerts =
        driver.createOutputTopic(
            Topics.ALERTS.name(),
            Topics.ALERTS.keySerde().deserializer(),
            Topics.ALERTS.valueSerde().deserializer());
    ocsf =
        driver.createOutputTopic(
            Topics.ALERTS_OCSF.name(),
            Topics.ALERTS_OCSF.keySerde().deserializer(),
            Topics.ALERTS_OCSF.valueSerde().deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private Alert raise(Finding f) {
    findings.pipeInput(f.fingerprint(), f, f.startTime());
    List<Alert> out = alerts.readValuesToList();
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  private void change(Alert alert, AlertStatus to, String comment) {
    String fp = Fingerprints.alertFingerprint(alert.workspace(), alert.cluster(), alert.alertType(), alert.compromisedEntity());
    status.pipeInput(
        alert.id(),
        new AlertStatusChange(alert.id(), fp, alert.workspace(), to, comment, "admin:tok-1",
            WALL.plusSeconds(1)));
  }

  private static String activity(TestRecord<String, ?> record) {
    return new String(record.headers().lastHeader(VigilHeaders.ALERT_ACTIVITY).value(), StandardCharsets.UTF_8);
  }

  @Test
  void aStatusChangeIsPublishedWithWhoAndWhenInTheHistory() {
    Alert created = raise(finding(T0, "audit-1"));

    change(created, AlertStatus.Dismissed, "known benign job");

    List<TestRecord<String, Alert>> out = alerts.readRecordsToList();
    assertThat(out).hasSize(1);
    Alert dismissed = out.get(0).value();
    assertThat(out.get(0).key()).isEqualTo(created.id());
    assertThat(activity(out.get(0))).isEqualTo("close");
    assertThat(dismissed.status()).isEqualTo(AlertStatus.Dismissed);
    assertThat(dismissed.count()).isEqualTo(created.count());
    assertThat(dismissed.history()).singleElement().satisfies(h -> {
      assertThat(h.status()).isEqualTo(AlertStatus.Dismissed);
      assertThat(h.comment()).isEqualTo("known benign job");
      assertThat(h.changedBy()).isEqualTo("admin:tok-1");
      assertThat(h.changedAt()).isEqualTo(WALL.plusSeconds(1));
    });
    SchemaAssertions.assertValid(SchemaAssertions.ALERT, dismissed);
    assertThat(driver.getKeyValueStore(AlertsTopology.ALERTS_BY_ID_STORE).get(created.id()))
        .isEqualTo(dismissed);
  }

  @Test
  void findingsWithinTheWindowOfADismissedAlertCountIntoItAndKeepItsStatus() {
    Alert created = raise(finding(T0, "audit-1"));
    change(created, AlertStatus.Dismissed, null);
    alerts.readValuesToList();

    Finding again = finding(T0.plus(WINDOW).minusSeconds(1), "audit-2");
    findings.pipeInput(again.fingerprint(), again, again.startTime());
    driver.advanceWallClockTime(AlertsConfig.DEFAULT_FLUSH_INTERVAL);

    Alert updated = alerts.readValuesToList().get(0);
    assertThat(updated.id()).isEqualTo(created.id());
    assertThat(updated.count()).isEqualTo(2);
    assertThat(updated.status()).isEqualTo(AlertStatus.Dismissed);
    assertThat(updated.history()).hasSize(1);
  }

  @Test
  void aFindingAfterTheWindowOfAResolvedAlertOpensANewActiveAlert() {
    Alert created = raise(finding(T0, "audit-1"));
    change(created, AlertStatus.Resolved, "fixed the pod spec");
    alerts.readValuesToList();

    Alert reopened = raise(finding(T0.plus(WINDOW).plusSeconds(1), "audit-2"));

    assertThat(reopened.id()).isNotEqualTo(created.id());
    assertThat(reopened.status()).isEqualTo(AlertStatus.Active);
    assertThat(reopened.count()).isEqualTo(1);
    assertThat(reopened.history()).isEmpty();
    assertThat(driver.getKeyValueStore(AlertsTopology.ALERTS_BY_ID_STORE).get(created.id()))
        .extracting(a -> ((Alert) a).status())
        .isEqualTo(AlertStatus.Resolved);
  }

  @Test
  void theOldAlertOfAFingerprintCanStillBeTriagedAfterANewOneOpened() {
    Alert first = raise(finding(T0, "audit-1"));
    Alert second = raise(finding(T0.plus(WINDOW).plusSeconds(1), "audit-2"));

    change(first, AlertStatus.Resolved, null);

    List<Alert> out = alerts.readValuesToList();
    assertThat(out).singleElement().satisfies(a -> {
      assertThat(a.id()).isEqualTo(first.id());
      assertThat(a.status()).isEqualTo(AlertStatus.Resolved);
    });
    Finding third = finding(T0.plus(WINDOW).plusSeconds(2), "audit-3");
    findings.pipeInput(third.fingerprint(), third, third.startTime());
    driver.advanceWallClockTime(AlertsConfig.DEFAULT_FLUSH_INTERVAL);
    assertThat(alerts.readValuesToList()).singleElement().satisfies(a -> {
      assertThat(a.id()).isEqualTo(second.id());
      assertThat(a.status()).isEqualTo(AlertStatus.Active);
      assertThat(a.count()).isEqualTo(2);
    });
  }

  @Test
  void reopeningSetsActiveAgainAndIsAnUpdate() {
    Alert created = raise(finding(T0, "audit-1"));
    change(created, AlertStatus.Dismissed, null);
    change(created, AlertStatus.Active, "not benign after all");

    List<TestRecord<String, Alert>> out = alerts.readRecordsToList();
    assertThat(out).extracting(r -> r.value().status())
        .containsExactly(AlertStatus.Dismissed, AlertStatus.Active);
    assertThat(out).extracting(AlertLifecycleTopologyTest::activity).containsExactly("close", "update");
    assertThat(out.get(1).value().history()).extracting(h -> h.status())
        .containsExactly(AlertStatus.Dismissed, AlertStatus.Active);
  }

  @Test
  void changesForUnknownAlertsOrAnotherWorkspaceAreDropped() {
    Alert created = raise(finding(T0, "audit-1"));
    String fp = Fingerprints.alertFingerprint(created.workspace(), created.cluster(), created.alertType(), created.compromisedEntity());
    status.pipeInput("nope", new AlertStatusChange("nope", fp, created.workspace(), AlertStatus.Dismissed,
        null, "admin:x", WALL));
    status.pipeInput(created.id(), new AlertStatusChange(created.id(), fp, "ws-other", AlertStatus.Dismissed,
        null, "admin:x", WALL));

    assertThat(alerts.isEmpty()).isTrue();
    assertThat(registry.get(AlertsMetrics.STATUS_CHANGES).tag("result", "dropped").counter().count())
        .isEqualTo(2);
  }

  @Test
  void everyAlertRecordIsAlsoAValidOcsfDetectionFindingWithItsActivity() {
    Alert created = raise(finding(T0, "audit-1"));
    Finding again = finding(T0.plusSeconds(5), "audit-2");
    findings.pipeInput(again.fingerprint(), again, again.startTime());
    driver.advanceWallClockTime(AlertsConfig.DEFAULT_FLUSH_INTERVAL);
    change(created, AlertStatus.InProgress, "looking");
    change(created, AlertStatus.Resolved, "done");

    List<TestRecord<String, JsonNode>> out = ocsf.readRecordsToList();
    assertThat(out).hasSize(4);
    assertThat(out).extracting(r -> r.value().get("activity_id").asInt()).containsExactly(1, 2, 2, 3);
    assertThat(out).extracting(r -> r.value().get("status_id").asInt()).containsExactly(1, 1, 2, 4);
    for (TestRecord<String, JsonNode> r : out) {
      assertThat(r.key()).isEqualTo(created.id());
      SchemaAssertions.assertValid(SchemaAssertions.OCSF_DETECTION_FINDING, r.value());
      assertThat(r.value().at("/finding_info/uid").asText()).isEqualTo(created.id());
    }
    JsonNode closed = out.get(3).value();
    assertThat(closed.get("type_uid").asInt()).isEqualTo(200403);
    assertThat(closed.get("comment").asText()).isEqualTo("done");
    assertThat(closed.get("count").asLong()).isEqualTo(2);
    assertThat(closed.at("/finding_info/attacks/0/technique/uid").asText()).isEqualTo("T1611");
    assertThat(closed.at("/finding_info/attacks/0/tactic/uid").asText()).isEqualTo("TA0004");
    assertThat(closed.at("/evidences/0/api/request/uid").asText()).isEqualTo("audit-1");
  }
}
