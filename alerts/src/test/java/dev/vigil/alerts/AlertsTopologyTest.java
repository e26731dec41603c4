package dev.vigil.alerts;

import static dev.vigil.alerts.TestFindings.finding;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.testing.SchemaAssertions;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsTopologyTest {
  private static final Instant WALL = Instant.parse("2024-05-01T12:00:00Z");
  private static final Instant T0 = Instant.parse("2024-05-01T11:59:00Z");
  private static final Duration FLUSH = AlertsConfig.DEFAULT_FLUSH_INTERVAL;

  @TempDir Path stateDir;
  private SimpleMeterRegistry registry;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Finding> findings;
  private TestOutputTopic<String, Alert> alerts;

  @BeforeEach
  void startDriver() {
    registry = new SimpleMeterRegistry();
    driver = newDriver(registry, stateDir);
    findings =
        driver.createInputTopic(
            Topics.FINDINGS.name(),
            Topics.FINDINGS.keySerde().serializer(),
            Topics.FINDINGS.valueSerde().serializer());
    alerts =
        driver.createOutputTopic(
            Topics.ALERTS.name(),
            Topics.ALERTS.keySerde().deserializer(),
            Topics.ALERTS.valueSerde().deserializer());
  }

  private static TopologyTestDriver newDriver(SimpleMeterRegistry registry, Path stateDir) {
    return new TopologyTestDriver(
        AlertsTopology.build(AlertsConfig.defaults(registry)),
        AlertsApp.streamsProperties("localhost:9092", stateDir),
        WALL);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private void send(Finding f) {
    findings.pipeInput(f.fingerprint(), f, f.startTime());
  }

  private double published(String change) {
    return registry.find(AlertsMetrics.PUBLISHED).tag("change", change).counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  @Test
  void aFindingCreatesOneValidAlertAtOnce() {
    Finding f = finding(T0, "audit-1");
    send(f);

    List<KeyValue<String, Alert>> out = alerts.readKeyValuesToList();
    assertThat(out).hasSize(1);
    Alert alert = out.get(0).value;
    SchemaAssertions.assertValid("alert", alert);
    assertThat(out.get(0).key).isEqualTo(alert.id());
    assertThat(alert.id()).isEqualTo(AlertDedupProcessor.alertId(f.fingerprint(), T0));
    assertThat(alert.status()).isEqualTo(AlertStatus.Active);
    assertThat(alert.count()).isEqualTo(1);
    assertThat(alert.detectedTimeUtc()).isEqualTo(WALL);
    assertThat(alert.startTimeUtc()).isEqualTo(T0);
    assertThat(alert.endTimeUtc()).isEqualTo(T0);
    assertThat(alert.auditIds()).containsExactly("audit-1");
    assertThat(alert.alertType()).isEqualTo(f.alertType());
    assertThat(alert.description()).isEqualTo(f.description());
    assertThat(alert.workspace()).isEqualTo(f.workspace());
    assertThat(alert.cluster()).isEqualTo(f.cluster());
    assertThat(alert.compromisedEntity()).isEqualTo(f.compromisedEntity());
    assertThat(alert.entities()).isEqualTo(f.entities());
    assertThat(alert.extendedProperties()).containsEntry("verb", "create");

    driver.advanceWallClockTime(FLUSH.multipliedBy(3));
    assertThat(alerts.isEmpty()).isTrue();
    assertThat(published(AlertsMetrics.CHANGE_NEW)).isEqualTo(1.0);
    assertThat(published(AlertsMetrics.CHANGE_UPDATED)).isZero();
  }

  @Test
  void findingsOfOneFingerprintWithinTheWindowUpdateOneAlertPublishedOncePerFlush() {
    send(finding(T0, "audit-0"));
    Alert created = alerts.readValue();
    for (int i = 1; i < 5; i++) {
      send(finding(T0.plusSeconds(10L * i), "audit-" + i));
    }
    assertThat(alerts.isEmpty()).as("updates wait for the flush").isTrue();

    driver.advanceWallClockTime(FLUSH);

    List<KeyValue<String, Alert>> out = alerts.readKeyValuesToList();
    assertThat(out).hasSize(1);
    Alert updated = out.get(0).value;
    SchemaAssertions.assertValid("alert", updated);
    assertThat(out.get(0).key).isEqualTo(created.id());
    assertThat(updated.id()).isEqualTo(created.id());
    assertThat(updated.count()).isEqualTo(5);
    assertThat(updated.startTimeUtc()).isEqualTo(T0);
    assertThat(updated.endTimeUtc()).isEqualTo(T0.plusSeconds(40));
    assertThat(updated.detectedTimeUtc()).isEqualTo(created.detectedTimeUtc());
    assertThat(updated.auditIds()).containsExactly("audit-0", "audit-1", "audit-2", "audit-3", "audit-4");

    driver.advanceWallClockTime(FLUSH.multipliedBy(3));
    assertThat(alerts.isEmpty()).as("nothing changed since the last flush").isTrue();
    assertThat(published(AlertsMetrics.CHANGE_NEW)).isEqualTo(1.0);
    assertThat(published(AlertsMetrics.CHANGE_UPDATED)).isEqualTo(1.0);
  }

  @Test
  void aBurstOfTenThousandFindingsOfOneFingerprintPublishesTwoRecords() {
    IntStream.range(0, 10_000).forEach(i -> send(finding(T0, "audit-burst-" + i)));
    driver.advanceWallClockTime(FLUSH);

    List<Alert> out = alerts.readValuesToList();
    assertThat(out).hasSize(2);
    assertThat(out.get(1).id()).isEqualTo(out.get(0).id());
    assertThat(out.get(1).count()).isEqualTo(10_000);
    assertThat(out.get(1).auditIds())
        .hasSize(Alert.MAX_AUDIT_IDS)
        .startsWith("audit-burst-0", "audit-burst-1");
  }

  @Test
  void aRedeliveredEventIsCountedOnceAndTheNextEventStillCounts() {
    // A gateway that answered 503 after its ack timeout may have written the event anyway; the
    // client's retry then gives detection the same event (same audit id) a second time.
    send(finding(T0, "audit-1"));
    send(finding(T0, "audit-1"));
    send(finding(T0.plusSeconds(1), "audit-1"));
    send(finding(T0.plusSeconds(2), "audit-2"));
    driver.advanceWallClockTime(FLUSH);

    List<Alert> out = alerts.readValuesToList();
    assertThat(out).hasSize(2);
    assertThat(out.get(1).count()).isEqualTo(2);
    assertThat(out.get(1).auditIds()).containsExactly("audit-1", "audit-2");
    assertThat(registry.find(AlertsMetrics.REDELIVERED_FINDINGS).counter().count()).isEqualTo(2.0);
  }

  @Test
  void aFindingAfterTheWindowOpensANewAlertAfterFlushingThePendingUpdate() {
    Finding first = finding(T0, "a1");
    send(first);
    send(finding(T0.plusSeconds(60), "a2"));
    Instant afterWindow = T0.plusSeconds(60).plus(AlertsConfig.DEFAULT_DEDUP_WINDOW).plusSeconds(1);
    send(finding(afterWindow, "a3"));

    List<Alert> out = alerts.readValuesToList();
    assertThat(out).extracting(Alert::count).containsExactly(1L, 2L, 1L);
    assertThat(out.get(1).id()).isEqualTo(out.get(0).id());
    Alert reopened = out.get(2);
    assertThat(reopened.id())
        .isNotEqualTo(out.get(0).id())
        .isEqualTo(AlertDedupProcessor.alertId(first.fingerprint(), afterWindow));
    assertThat(reopened.startTimeUtc()).isEqualTo(afterWindow);
    assertThat(reopened.auditIds()).containsExactly("a3");

    driver.advanceWallClockTime(FLUSH);
    assertThat(alerts.isEmpty()).as("the old alert's update went out before the new alert").isTrue();
  }

  @Test
  void aFindingExactlyAtTheWindowEdgeStillJoins() {
    send(finding(T0, "a1"));
    send(finding(T0.plus(AlertsConfig.DEFAULT_DEDUP_WINDOW), "a2"));
    driver.advanceWallClockTime(FLUSH);

    List<Alert> out = alerts.readValuesToList();
    assertThat(out).extracting(Alert::id).containsOnly(out.get(0).id());
    assertThat(out.get(out.size() - 1).count()).isEqualTo(2);
  }

  @Test
  void differentFingerprintsMakeDifferentAlerts() {
    send(finding(T0, "a1"));
    send(TestFindings.finding(TestFindings.WORKSPACE, "staging", TestFindings.entity(), T0, "a2"));
    send(TestFindings.finding(TestFindings.WORKSPACE, TestFindings.CLUSTER, "default/pods/other", T0, "a3"));

    List<KeyValue<String, Alert>> out = alerts.readKeyValuesToList();
    assertThat(out).hasSize(3);
    assertThat(out).extracting(kv -> kv.key).doesNotHaveDuplicates();
    assertThat(out).extracting(kv -> kv.value.count()).containsOnly(1L);
  }

  @Test
  void theSameFindingGivesTheSameAlertIdOnAnotherInstance(@TempDir Path otherStateDir) {
    Finding f = finding(T0, "a1");
    send(f);
    String id = alerts.readValue().id();

    try (TopologyTestDriver other = newDriver(new SimpleMeterRegistry(), otherStateDir)) {
      other
          .createInputTopic(
              Topics.FINDINGS.name(),
              Topics.FINDINGS.keySerde().serializer(),
              Topics.FINDINGS.valueSerde().serializer())
          .pipeInput(f.fingerprint(), f, T0);
      Alert again =
          other
              .createOutputTopic(
                  Topics.ALERTS.name(),
                  Topics.ALERTS.keySerde().deserializer(),
                  Topics.ALERTS.valueSerde().deserializer())
              .readValue();
      assertThat(again.id()).isEqualTo(id);
    }
  }

  @Test
  void auditIdsKeepTheFirstDistinctOnesUpToTheCap() {
    for (int i = 0; i < Alert.MAX_AUDIT_IDS + 5; i++) {
      send(finding(T0.plusSeconds(i), "id-" + i));
      send(finding(T0.plusSeconds(i), "id-" + i));
    }
    driver.advanceWallClockTime(FLUSH);

    List<Alert> out = alerts.readValuesToList();
    Alert last = out.get(out.size() - 1);
    SchemaAssertions.assertValid("alert", last);
    // Each event arrived twice: a repeat of a kept audit id is a redelivery and counts once; the
    // alert keeps only the first MAX_AUDIT_IDS ids, so the 5 repeats beyond them still count.
    assertThat(last.count()).isEqualTo(Alert.MAX_AUDIT_IDS + 5L + 5L);
    assertThat(last.auditIds())
        .hasSize(Alert.MAX_AUDIT_IDS)
        .startsWith("id-0", "id-1")
        .endsWith("id-" + (Alert.MAX_AUDIT_IDS - 1));
  }

  @Test
  void latencyIsMeasuredFromGatewayReceiptToPublication() {
    send(TestFindings.withReceivedMs(finding(T0, "a1"), WALL.toEpochMilli() - 300));
    send(TestFindings.withReceivedMs(finding(T0.plusSeconds(1), "a2"), WALL.toEpochMilli() + 100));
    send(TestFindings.withReceivedMs(finding(T0.plusSeconds(2), "a3"), WALL.toEpochMilli() + 200));
    driver.advanceWallClockTime(FLUSH);

    Timer latency = registry.get(AlertsMetrics.LATENCY).timer();
    assertThat(latency.count()).isEqualTo(2);
    // new alert: 300 ms; coalesced update: flushed at WALL + 1 s, oldest pending receipt WALL + 100 ms
    assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300 + 900);
    assertThat(latency.max(TimeUnit.MILLISECONDS)).isEqualTo(900);
  }

  @Test
  void anUnusableFindingIsCountedAndDoesNotStopTheNextOne() {
    send(TestFindings.withWorkspace(finding(T0, "bad"), null));
    send(finding(T0, "good"));

    List<Alert> out = alerts.readValuesToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).auditIds()).containsExactly("good");
    assertThat(registry.get(AlertsMetrics.INVALID_FINDINGS).counter().count()).isEqualTo(1.0);
  }

  @Test
  void theGlobalStoreAnswersThroughAlertQueries() {
    send(finding(T0, "a1"));
    send(finding(T0.plusSeconds(5), "a2"));
    send(TestFindings.finding("ws-b", TestFindings.CLUSTER, "default/pods/b", T0, "b1"));
    driver.advanceWallClockTime(FLUSH);
    List<Alert> published = alerts.readValuesToList();
    String idA = published.get(0).id();
    String idB = published.get(1).id();

    KeyValueStore<String, Alert> store = driver.getKeyValueStore(AlertsTopology.ALERTS_BY_ID_STORE);
    AlertQueries queries = new AlertQueries(() -> store);

    assertThat(queries.byId(TestFindings.WORKSPACE, idA)).get().extracting(Alert::count).isEqualTo(2L);
    assertThat(queries.byId(TestFindings.WORKSPACE, idB)).isEmpty();
    assertThat(queries.byId("ws-b", idB)).isPresent();
    assertThat(queries.list(AlertFilter.all(TestFindings.WORKSPACE)))
        .singleElement()
        .satisfies(a -> assertThat(a.id()).isEqualTo(idA))
        .satisfies(a -> assertThat(a.count()).isEqualTo(2));
  }

  @Test
  void theTopologyRunsWithExplicitNamingEnforcedAndNamesEveryNode() {
    TopologyDescription description =
        AlertsTopology.build(AlertsConfig.defaults(new SimpleMeterRegistry())).describe();
    assertThat(description.toString())
        .contains(AlertsTopology.DEDUP_PROCESSOR)
        .contains(AlertsTopology.ALERTS_BY_FINGERPRINT_STORE)
        .contains(AlertsTopology.ALERTS_BY_ID_STORE)
        .doesNotContain("KSTREAM-")
        .doesNotContain("KTABLE-");
  }

  @Test
  void mergeKeepsTheTriageStatusOfTheAlert() {
    Finding f = finding(T0, "a1");
    Alert alert = AlertDedupProcessor.newAlert(f.fingerprint(), f, WALL);
    Alert resolved =
        new Alert(
            alert.id(), alert.alertType(), alert.displayName(), alert.description(),
            alert.severity(), alert.tactics(), alert.techniques(), AlertStatus.Resolved,
            alert.workspace(), alert.cluster(), alert.compromisedEntity(), alert.entities(),
            alert.remediationSteps(), alert.startTimeUtc(), alert.endTimeUtc(),
            alert.detectedTimeUtc(), alert.count(), alert.auditIds(), alert.extendedProperties());

    Alert merged = AlertDedupProcessor.merge(resolved, finding(T0.minusSeconds(30), "a0"));

    assertThat(merged.status()).isEqualTo(AlertStatus.Resolved);
    assertThat(merged.count()).isEqualTo(2);
    assertThat(merged.startTimeUtc()).isEqualTo(T0.minusSeconds(30));
    assertThat(merged.endTimeUtc()).isEqualTo(T0);
    assertThat(merged.auditIds()).containsExactly("a1", "a0");
  }

  @Test
  void twoWorkspacesWithAClusterOfTheSameNameKeepTheirOwnAlertsAndCounts() {
    String entity = TestFindings.entity();
    for (int i = 0; i < 5; i++) {
      send(finding("default", "prod-a", entity, T0.plusSeconds(i), "mine-" + i));
    }
    for (int i = 0; i < 3; i++) {
      send(finding("other", "prod-a", entity, T0.plusSeconds(i), "theirs-" + i));
    }
    driver.advanceWallClockTime(FLUSH.multipliedBy(3));

    java.util.Map<String, Alert> latest = new java.util.LinkedHashMap<>();
    alerts.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
    assertThat(latest.values())
        .extracting(Alert::workspace, Alert::cluster, Alert::count)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("default", "prod-a", 5L),
            org.assertj.core.groups.Tuple.tuple("other", "prod-a", 3L));
    latest.values().forEach(a -> assertThat(a.auditIds()).allMatch(id ->
        id.startsWith(a.workspace().equals("default") ? "mine-" : "theirs-")));
  }

  @Test
  void aFindingUnderAnotherWorkspacesFingerprintNeverCountsIntoItsAlert() {
    Finding mine = finding("default", "prod-a", TestFindings.entity(), T0, "mine");
    send(mine);
    // As detection wrote findings before fingerprints carried the workspace: same key, other tenant.
    Finding theirs =
        TestFindings.withWorkspace(finding("default", "prod-a", TestFindings.entity(), T0, "theirs"), "other");
    findings.pipeInput(mine.fingerprint(), theirs, T0);
    driver.advanceWallClockTime(FLUSH.multipliedBy(3));

    List<Alert> out = alerts.readValuesToList();
    assertThat(out).extracting(Alert::workspace).containsOnly("default");
    assertThat(out.get(out.size() - 1).count()).isEqualTo(1);
    assertThat(out.get(out.size() - 1).auditIds()).containsExactly("mine");
    assertThat(registry.get(AlertsMetrics.INVALID_FINDINGS).counter().count()).isEqualTo(1.0);
  }
}
