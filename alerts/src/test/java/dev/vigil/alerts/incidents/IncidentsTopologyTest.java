package dev.vigil.alerts.incidents;

import static dev.vigil.alerts.incidents.AttackStory.ATTACKER;
import static dev.vigil.alerts.incidents.AttackStory.CLUSTER;
import static dev.vigil.alerts.incidents.AttackStory.T0;
import static dev.vigil.alerts.incidents.AttackStory.WORKSPACE;
import static dev.vigil.alerts.incidents.AttackStory.bindClusterAdmin;
import static dev.vigil.alerts.incidents.AttackStory.execIntoPod;
import static dev.vigil.alerts.incidents.AttackStory.listSecrets;
import static dev.vigil.alerts.incidents.AttackStory.privilegedPod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Incident;
import dev.vigil.schemas.IncidentSeverity;
import dev.vigil.schemas.IncidentStatusChange;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentsTopologyTest {
  private static final Instant WALL = T0.plus(Duration.ofHours(1));

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Alert> alerts;
  private TestInputTopic<String, IncidentStatusChange> status;
  private TestOutputTopic<String, Incident> incidents;

  @BeforeEach
  void startDriver() {
    driver = new TopologyTestDriver(
        IncidentsTopology.build(IncidentsConfig.defaults()),
        IncidentsApp.streamsProperties("localhost:9092", stateDir),
        WALL);
    alerts = driver.createInputTopic(Topics.ALERTS.name(), Topics.ALERTS.keySerde().serializer(),
        Topics.ALERTS.valueSerde().serializer());
    status = driver.createInputTopic(Topics.INCIDENT_STATUS.name(),
        Topics.INCIDENT_STATUS.keySerde().serializer(), Topics.INCIDENT_STATUS.valueSerde().serializer());
    incidents = driver.createOutputTopic(Topics.INCIDENTS.name(), Topics.INCIDENTS.keySerde().deserializer(),
        Topics.INCIDENTS.valueSerde().deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private void send(Alert a) {
    alerts.pipeInput(a.id(), a, a.detectedTimeUtc());
  }

  /** The latest version of every incident published so far. */
  private Map<String, Incident> published() {
    return incidents.readKeyValuesToMap();
  }

  private static List<String> types(Incident i) {
    return i.alerts().stream().map(Incident.Member::alertType).toList();
  }

  @Test
  void theFourStepAttackBecomesOneIncidentWithItsTacticsInKillChainOrder() {
    send(listSecrets(ATTACKER, T0));
    send(bindClusterAdmin(ATTACKER, T0.plusSeconds(60)));
    send(privilegedPod(ATTACKER, T0.plusSeconds(120)));
    send(execIntoPod(ATTACKER, T0.plusSeconds(180)));

    Map<String, Incident> all = published();
    assertThat(all).hasSize(1);
    Incident incident = all.values().iterator().next();
    assertThat(types(incident)).containsExactly("VIGIL_SecretAccessBySuspiciousClient",
        "K8S_ClusterAdminBinding", "K8S_PrivilegedContainer", "VIGIL_ExecIntoPod");
    assertThat(incident.tactics())
        .containsExactly("Execution", "Persistence", "PrivilegeEscalation", "CredentialAccess");
    assertThat(incident.techniques()).containsExactly("T1098", "T1552.007", "T1609", "T1611");
    // Medium at most, raised two steps for four tactics.
    assertThat(incident.severity()).isEqualTo(IncidentSeverity.Critical);
    assertThat(incident.status()).isEqualTo(AlertStatus.Active);
    assertThat(incident.workspace()).isEqualTo(WORKSPACE);
    assertThat(incident.cluster()).isEqualTo(CLUSTER);
    assertThat(incident.startTimeUtc()).isEqualTo(T0);
    assertThat(incident.endTimeUtc()).isEqualTo(T0.plusSeconds(180));
    assertThat(incident.title()).contains(ATTACKER).contains(CLUSTER);
    assertThat(incident.alerts().get(0).auditIds()).isNotEmpty();
  }

  @Test
  void aSingleAlertIsNotPublishedAsAnIncident() {
    send(listSecrets(ATTACKER, T0));

    assertThat(incidents.isEmpty()).isTrue();
    KeyValueStore<String, Incident> store = driver.getKeyValueStore(IncidentsTopology.INCIDENTS_STORE);
    assertThat(count(store)).isEqualTo(1);
  }

  @Test
  void unrelatedAlertsOfTwoPrincipalsStayApart() {
    send(listSecrets("alice", T0));
    send(listSecrets("bob", T0.plusSeconds(10)));
    send(alertOnOwnPod("alice", "default/alice-pod", T0.plusSeconds(20)));
    send(alertOnOwnPod("bob", "default/bob-pod", T0.plusSeconds(30)));

    Map<String, Incident> all = published();
    assertThat(all).hasSize(2);
    assertThat(all.values()).allSatisfy(i -> assertThat(i.alerts()).hasSize(2));
    assertThat(all.values())
        .extracting(i -> i.alerts().stream().map(m -> m.entities().get(0).name()).distinct().toList())
        .containsExactlyInAnyOrder(List.of("alice"), List.of("bob"));
  }

  @Test
  void aLateAlertJoinsItsIncidentInTimelineOrder() {
    send(listSecrets(ATTACKER, T0));
    send(bindClusterAdmin(ATTACKER, T0.plusSeconds(60)));
    send(execIntoPod(ATTACKER, T0.plusSeconds(180)));
    // Raised after the exec (detection lagged), for an event before it.
    send(privilegedPod(ATTACKER, T0.plusSeconds(120)));

    Map<String, Incident> all = published();
    assertThat(all).hasSize(1);
    assertThat(types(all.values().iterator().next())).containsExactly(
        "VIGIL_SecretAccessBySuspiciousClient", "K8S_ClusterAdminBinding", "K8S_PrivilegedContainer",
        "VIGIL_ExecIntoPod");
  }

  @Test
  void anotherPrincipalActingOnAnObjectTheAttackerCreatedJoinsTheIncident() {
    send(privilegedPod(ATTACKER, T0));
    send(listSecrets(ATTACKER, T0.plusSeconds(30)));
    send(execIntoPod("mallory", T0.plusSeconds(60)));

    Incident incident = published().values().iterator().next();
    assertThat(types(incident)).containsExactly(
        "K8S_PrivilegedContainer", "VIGIL_SecretAccessBySuspiciousClient", "VIGIL_ExecIntoPod");
  }

  @Test
  void alertsOfTheSamePrincipalBeyondTheWindowOpenANewIncident() {
    Instant later = T0.plus(IncidentsConfig.DEFAULT_WINDOW).plusSeconds(600);
    send(listSecrets(ATTACKER, T0));
    send(bindClusterAdmin(ATTACKER, T0.plusSeconds(60)));
    send(privilegedPod(ATTACKER, later));
    send(execIntoPod(ATTACKER, later.plusSeconds(60)));

    assertThat(published()).hasSize(2);
  }

  @Test
  void theSamePrincipalOnAnotherClusterOrWorkspaceNeverJoins() {
    send(listSecrets(ATTACKER, T0));
    Alert other = AttackStory.alert(WORKSPACE, "staging", "K8S_PrivilegedContainer",
        dev.vigil.schemas.Severity.High, List.of("PrivilegeEscalation"), List.of("T1611"), T0.plusSeconds(5),
        dev.vigil.schemas.Entity.of("user", ATTACKER), dev.vigil.schemas.Entity.of("pod", "default/x"));
    Alert otherWorkspace = AttackStory.alert("ws-b", CLUSTER, "K8S_PrivilegedContainer",
        dev.vigil.schemas.Severity.High, List.of("PrivilegeEscalation"), List.of("T1611"), T0.plusSeconds(6),
        dev.vigil.schemas.Entity.of("user", ATTACKER), dev.vigil.schemas.Entity.of("pod", "default/x"));
    send(other);
    send(otherWorkspace);

    assertThat(incidents.isEmpty()).isTrue();
  }

  @Test
  void controlPlanePrincipalsDoNotLinkAlerts() {
    send(listSecrets("system:kube-controller-manager", T0));
    send(alertOnOwnPod("system:kube-controller-manager", "kube-system/a", T0.plusSeconds(5)));

    assertThat(incidents.isEmpty()).isTrue();
  }

  @Test
  void anUpdatedMemberAlertUpdatesTheIncidentWithoutAddingAStep() {
    Alert first = listSecrets(ATTACKER, T0);
    send(first);
    send(bindClusterAdmin(ATTACKER, T0.plusSeconds(60)));
    incidents.readKeyValuesToList();

    send(AttackStory.withStatus(first, AlertStatus.Resolved));
    send(AttackStory.withStatus(first, AlertStatus.Resolved));

    List<Incident> updates = incidents.readValuesToList();
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).alerts()).hasSize(2);
    assertThat(updates.get(0).alerts().get(0).status()).isEqualTo(AlertStatus.Resolved);
  }

  @Test
  void aStatusChangeIsAppliedAndANewAlertReopensAClosedIncident() {
    send(listSecrets(ATTACKER, T0));
    send(bindClusterAdmin(ATTACKER, T0.plusSeconds(60)));
    Incident incident = incidents.readValuesToList().get(0);

    status.pipeInput(incident.id(), change(incident, WORKSPACE, AlertStatus.Resolved), WALL);
    Incident resolved = incidents.readValue();
    assertThat(resolved.status()).isEqualTo(AlertStatus.Resolved);
    assertThat(resolved.history()).extracting(h -> h.comment()).containsExactly("contained");

    send(execIntoPod(ATTACKER, T0.plusSeconds(300)));
    Incident reopened = incidents.readValue();
    assertThat(reopened.status()).isEqualTo(AlertStatus.Active);
    assertThat(reopened.history()).hasSize(2);
    assertThat(reopened.history().get(1).changedBy()).isEqualTo(Correlation.SYSTEM);
  }

  @Test
  void aStatusChangeNamingAnotherWorkspaceIsDropped() {
    send(listSecrets(ATTACKER, T0));
    send(bindClusterAdmin(ATTACKER, T0.plusSeconds(60)));
    Incident incident = incidents.readValuesToList().get(0);

    status.pipeInput(incident.id(), change(incident, "ws-b", AlertStatus.Dismissed), WALL);

    assertThat(incidents.isEmpty()).isTrue();
  }

  @Test
  void correlationStateIsForgottenAfterWindowAndRetentionButThePublishedIncidentStays() {
    send(listSecrets(ATTACKER, T0));
    send(bindClusterAdmin(ATTACKER, T0.plusSeconds(60)));
    KeyValueStore<String, Incident> store = driver.getKeyValueStore(IncidentsTopology.INCIDENTS_STORE);
    KeyValueStore<String, String> links = driver.getKeyValueStore(IncidentsTopology.LINKS_STORE);
    assertThat(count(store)).isEqualTo(1);

    driver.advanceWallClockTime(IncidentsConfig.DEFAULT_WINDOW.plus(IncidentsConfig.DEFAULT_RETENTION));

    assertThat(count(store)).isZero();
    assertThat(count(links)).isZero();
    assertThat(count(driver.<String, Object>getKeyValueStore(IncidentsTopology.INCIDENTS_BY_ID_STORE)))
        .isEqualTo(1);
  }

  @Test
  void everyPublishedIncidentIsAValidOcsfIncidentFindingWithItsActivity() {
    TestOutputTopic<String, JsonNode> ocsf = driver.createOutputTopic(Topics.INCIDENTS_OCSF.name(),
        Topics.INCIDENTS_OCSF.keySerde().deserializer(), Topics.INCIDENTS_OCSF.valueSerde().deserializer());
    send(listSecrets(ATTACKER, T0));
    send(bindClusterAdmin(ATTACKER, T0.plusSeconds(60)));
    send(privilegedPod(ATTACKER, T0.plusSeconds(120)));
    send(execIntoPod(ATTACKER, T0.plusSeconds(180)));
    Incident incident = published().values().iterator().next();
    status.pipeInput(incident.id(), change(incident, WORKSPACE, AlertStatus.Resolved), WALL);

    List<JsonNode> events = ocsf.readValuesToList();

    assertThat(events).extracting(e -> e.get("activity_id").asInt()).containsExactly(1, 2, 2, 3);
    events.forEach(e -> SchemaAssertions.assertValid("ocsf-incident-finding", e));
    JsonNode closed = events.get(3);
    assertThat(closed.get("status").asText()).isEqualTo("Resolved");
    assertThat(closed.get("severity").asText()).isEqualTo("Critical");
    assertThat(closed.get("metadata").get("correlation_uid").asText()).isEqualTo(incident.id());
    assertThat(closed.get("metadata").get("tenant_uid").asText()).isEqualTo(WORKSPACE);
    assertThat(closed.get("finding_info_list")).extracting(f -> f.get("types").get(0).asText()).containsExactly(
        "VIGIL_SecretAccessBySuspiciousClient", "K8S_ClusterAdminBinding", "K8S_PrivilegedContainer",
        "VIGIL_ExecIntoPod");
    assertThat(closed.get("finding_info_list").get(3).get("attacks").get(0).get("tactic").get("uid").asText())
        .isEqualTo("TA0002");
  }

  @Test
  void everyStatefulNodeIsNamedAndVersioned() {
    TopologyDescription description = IncidentsTopology.build(IncidentsConfig.defaults()).describe();
    assertThat(description.subtopologies())
        .flatExtracting(TopologyDescription.Subtopology::nodes)
        .extracting(TopologyDescription.Node::name)
        .allSatisfy(name -> assertThat(name).matches(".*-v1(-repartition.*)?"))
        .contains(IncidentsTopology.CORRELATION_PROCESSOR, IncidentsTopology.STATUS_PROCESSOR);
  }

  private static long count(KeyValueStore<?, ?> store) {
    long n = 0;
    try (var it = store.all()) {
      for (; it.hasNext(); it.next()) {
        n++;
      }
    }
    return n;
  }

  private static IncidentStatusChange change(Incident incident, String workspace, AlertStatus to) {
    return new IncidentStatusChange(incident.id(), ClusterKeys.of(incident.workspace(), incident.cluster()),
        workspace, to, "contained", "admin:t1", WALL);
  }

  private static Alert alertOnOwnPod(String user, String pod, Instant at) {
    return privilegedPodNamed(user, pod, at);
  }

  private static Alert privilegedPodNamed(String user, String pod, Instant at) {
    return AttackStory.alert(WORKSPACE, CLUSTER, "K8S_PrivilegedContainer", dev.vigil.schemas.Severity.Medium,
        List.of("PrivilegeEscalation"), List.of("T1611"), at,
        dev.vigil.schemas.Entity.of("user", user), dev.vigil.schemas.Entity.of("pod", pod));
  }
}
