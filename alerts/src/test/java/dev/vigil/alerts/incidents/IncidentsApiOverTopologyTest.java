package dev.vigil.alerts.incidents;

import static dev.vigil.alerts.incidents.AttackStory.ATTACKER;
import static dev.vigil.alerts.incidents.AttackStory.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.AlertQueries;
import dev.vigil.alerts.AlertsApp;
import dev.vigil.alerts.AlertsConfig;
import dev.vigil.alerts.AlertsTopology;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.AlertStatusChange;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Incident;
import dev.vigil.schemas.IncidentStatusChange;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import dev.vigil.alerts.overview.ClusterHealth;
import dev.vigil.alerts.overview.OverviewRoutes;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Set;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings → the alerts topology → its alerts → the incidents topology → the incident store → HTTP,
 * with both status sinks writing into the topologies' own input topics; and the overview over both stores.
 */
class IncidentsApiOverTopologyTest {
  private static final Instant WALL = T0.plus(Duration.ofMinutes(10));
  private static final Map<String, Caller> TOKENS = Map.of(
      "reader-a", new Caller("reader", AttackStory.WORKSPACE, "tok-1"),
      "admin-a", new Caller("admin", AttackStory.WORKSPACE, "tok-2"),
      "admin-b", new Caller("admin", "ws-b", "tok-3"),
      "cluster-a", new Caller(Caller.CLUSTER, AttackStory.WORKSPACE, "prod"));

  @TempDir Path alertsState;
  @TempDir Path incidentsState;
  private final Object lock = new Object();
  private TopologyTestDriver alertsDriver;
  private TopologyTestDriver incidentsDriver;
  private TestInputTopic<String, Finding> findings;
  private TestInputTopic<String, AlertStatusChange> alertStatus;
  private TestOutputTopic<String, Alert> alertsOut;
  private TestInputTopic<String, Alert> alertsIn;
  private TestInputTopic<String, IncidentStatusChange> incidentStatus;
  private Vertx vertx;
  private HttpServer server;
  private KeyValueStore<String, Alert> alertStore;

  @BeforeEach
  void start() throws Exception {
    alertsDriver = new TopologyTestDriver(
        AlertsTopology.build(AlertsConfig.defaults(new SimpleMeterRegistry())),
        AlertsApp.streamsProperties("localhost:9092", alertsState), WALL);
    incidentsDriver = new TopologyTestDriver(IncidentsTopology.build(IncidentsConfig.defaults()),
        IncidentsApp.streamsProperties("localhost:9092", incidentsState), WALL);
    findings = alertsDriver.createInputTopic(Topics.FINDINGS.name(), Topics.FINDINGS.keySerde().serializer(),
        Topics.FINDINGS.valueSerde().serializer());
    alertStatus = alertsDriver.createInputTopic(Topics.ALERT_STATUS.name(),
        Topics.ALERT_STATUS.keySerde().serializer(), Topics.ALERT_STATUS.valueSerde().serializer());
    alertsOut = alertsDriver.createOutputTopic(Topics.ALERTS.name(), Topics.ALERTS.keySerde().deserializer(),
        Topics.ALERTS.valueSerde().deserializer());
    alertsIn = incidentsDriver.createInputTopic(Topics.ALERTS.name(), Topics.ALERTS.keySerde().serializer(),
        Topics.ALERTS.valueSerde().serializer());
    incidentStatus = incidentsDriver.createInputTopic(Topics.INCIDENT_STATUS.name(),
        Topics.INCIDENT_STATUS.keySerde().serializer(), Topics.INCIDENT_STATUS.valueSerde().serializer());
    alertStore = alertsDriver.getKeyValueStore(AlertsTopology.ALERTS_BY_ID_STORE);
    KeyValueStore<String, Incident> incidentStore =
        incidentsDriver.getKeyValueStore(IncidentsTopology.INCIDENTS_BY_ID_STORE);

    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    IncidentRoutes.mount(router, token -> Optional.ofNullable(TOKENS.get(token)),
        new IncidentQueries(() -> incidentStore), new AlertQueries(() -> alertStore),
        change -> {
          synchronized (lock) {
            incidentStatus.pipeInput(change.incidentId(), change, WALL);
          }
        },
        change -> {
          synchronized (lock) {
            alertStatus.pipeInput(change.alertId(), change, WALL);
            pump();
          }
        });
    OverviewRoutes.mount(router, token -> Optional.ofNullable(TOKENS.get(token)), new AlertQueries(() -> alertStore),
        new IncidentQueries(() -> incidentStore),
        Map.of("Execution", Set.of("T1609", "T1610"), "Impact", Set.of("T1496")),
        workspace -> List.of(new ClusterHealth(AttackStory.CLUSTER + "-" + workspace, "Healthy", 42, WALL)),
        Clock.fixed(WALL.plusSeconds(60), ZoneOffset.UTC));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    alertsDriver.close();
    incidentsDriver.close();
  }

  /** Moves what the alerts application published to the incidents application's input. */
  private void pump() {
    alertsDriver.advanceWallClockTime(Duration.ofSeconds(1));
    for (KeyValue<String, Alert> kv : alertsOut.readKeyValuesToList()) {
      alertsIn.pipeInput(kv.key, kv.value, WALL);
    }
  }

  private void raise(Alert step) {
    String entity = step.compromisedEntity();
    Finding f = new Finding(
        Fingerprints.alertFingerprint(step.workspace(), step.cluster(), step.alertType(), entity),
        step.alertType(), step.displayName(), step.description(), step.severity(), step.tactics(),
        step.techniques(), step.remediationSteps(), step.workspace(), step.cluster(), entity,
        step.entities(), step.startTimeUtc(), step.endTimeUtc(), 1, step.auditIds(),
        step.startTimeUtc().toEpochMilli() + 100, step.extendedProperties());
    synchronized (lock) {
      findings.pipeInput(f.fingerprint(), f, f.startTime());
      pump();
    }
  }

  private void raiseTheAttack() {
    raise(AttackStory.listSecrets(ATTACKER, T0));
    raise(AttackStory.bindClusterAdmin(ATTACKER, T0.plusSeconds(60)));
    raise(AttackStory.privilegedPod(ATTACKER, T0.plusSeconds(120)));
    raise(AttackStory.execIntoPod(ATTACKER, T0.plusSeconds(180)));
  }

  private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return Json.mapper().readTree(response.body());
  }

  @Test
  void theAttackIsServedAsOneIncidentWithItsStepsInOrder() throws Exception {
    raiseTheAttack();

    HttpResponse<String> response = call("GET", "/v1/incidents", "reader-a", null);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode incidents = json(response).get("incidents");
    assertThat(incidents).hasSize(1);
    JsonNode incident = incidents.get(0);
    assertThat(incident.get("cluster").asText()).isEqualTo(AttackStory.CLUSTER);
    assertThat(incident.get("severity").asText()).isEqualTo("Critical");
    assertThat(incident.get("status").asText()).isEqualTo("Active");
    assertThat(incident.get("tactics")).extracting(JsonNode::asText)
        .containsExactly("Execution", "Persistence", "PrivilegeEscalation", "CredentialAccess");
    assertThat(incident.get("alerts")).extracting(a -> a.get("alertType").asText()).containsExactly(
        "VIGIL_SecretAccessBySuspiciousClient", "K8S_ClusterAdminBinding", "K8S_PrivilegedContainer",
        "VIGIL_ExecIntoPod");
    assertThat(incident.get("alerts")).allSatisfy(a -> assertThat(alertStore.get(a.get("id").asText())).isNotNull());

    HttpResponse<String> one = call("GET", "/v1/incidents/" + incident.get("id").asText(), "reader-a", null);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(one).get("id").asText()).isEqualTo(incident.get("id").asText());
  }

  @Test
  void anotherWorkspaceSeesNoneOfItAndCannotChangeIt() throws Exception {
    raiseTheAttack();
    String id = json(call("GET", "/v1/incidents", "reader-a", null)).get("incidents").get(0).get("id").asText();

    assertThat(json(call("GET", "/v1/incidents", "admin-b", null)).get("incidents")).isEmpty();
    assertThat(call("GET", "/v1/incidents/" + id, "admin-b", null).statusCode()).isEqualTo(404);
    assertThat(call("PATCH", "/v1/incidents/" + id, "admin-b", "{\"status\":\"Dismissed\"}").statusCode())
        .isEqualTo(404);
    assertThat(json(call("GET", "/v1/incidents/" + id, "reader-a", null)).get("status").asText())
        .isEqualTo("Active");
  }

  @Test
  void rolesAndInputsAreChecked() throws Exception {
    raiseTheAttack();
    String id = json(call("GET", "/v1/incidents", "reader-a", null)).get("incidents").get(0).get("id").asText();

    assertThat(call("GET", "/v1/incidents", null, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/v1/incidents", "cluster-a", null).statusCode()).isEqualTo(403);
    assertThat(call("PATCH", "/v1/incidents/" + id, "reader-a", "{\"status\":\"Resolved\"}").statusCode())
        .isEqualTo(403);
    assertThat(call("PATCH", "/v1/incidents/" + id, "admin-a", "{\"status\":\"Gone\"}").statusCode())
        .isEqualTo(400);
    assertThat(call("PATCH", "/v1/incidents/" + id, "admin-a", "{\"status\":\"Resolved\",\"x\":1}").statusCode())
        .isEqualTo(400);
    assertThat(call("GET", "/v1/incidents?limit=0", "reader-a", null).statusCode()).isEqualTo(400);
    assertThat(call("GET", "/v1/incidents?clustr=x", "reader-a", null).statusCode()).isEqualTo(400);
    HttpResponse<String> delete = call("DELETE", "/v1/incidents/" + id, "admin-a", null);
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.headers().firstValue("Allow")).hasValue("GET, PATCH");
    assertThat(json(call("GET", "/v1/incidents?minSeverity=critical&cluster=" + AttackStory.CLUSTER,
        "reader-a", null)).get("count").asInt()).isEqualTo(1);
    assertThat(json(call("GET", "/v1/incidents?status=Resolved", "reader-a", null)).get("count").asInt())
        .isZero();
  }

  @Test
  void closingAnIncidentWithResolveAlertsResolvesEveryMemberAlert() throws Exception {
    raiseTheAttack();
    String id = json(call("GET", "/v1/incidents", "reader-a", null)).get("incidents").get(0).get("id").asText();

    HttpResponse<String> patched = call("PATCH", "/v1/incidents/" + id, "admin-a",
        "{\"status\":\"Resolved\",\"comment\":\"attacker contained\",\"resolveAlerts\":true}");

    assertThat(patched.statusCode()).isEqualTo(200);
    JsonNode incident = json(call("GET", "/v1/incidents/" + id, "reader-a", null));
    assertThat(incident.get("status").asText()).isEqualTo("Resolved");
    assertThat(incident.get("history").get(0).get("comment").asText()).isEqualTo("attacker contained");
    assertThat(incident.get("alerts")).hasSize(4)
        .allSatisfy(a -> assertThat(a.get("status").asText()).isEqualTo("Resolved"));
    List<String> memberIds = incident.findValuesAsText("id").subList(1, 5);
    assertThat(memberIds).allSatisfy(alertId -> {
      Alert alert = alertStore.get(alertId);
      assertThat(alert.status()).isEqualTo(AlertStatus.Resolved);
      assertThat(alert.history().get(0).comment()).contains("closed with incident " + id);
    });
  }

  @Test
  void closingWithoutResolveAlertsLeavesTheAlertsAsTheyAre() throws Exception {
    raiseTheAttack();
    String id = json(call("GET", "/v1/incidents", "reader-a", null)).get("incidents").get(0).get("id").asText();

    assertThat(call("PATCH", "/v1/incidents/" + id, "admin-a", "{\"status\":\"Dismissed\"}").statusCode())
        .isEqualTo(200);

    JsonNode incident = json(call("GET", "/v1/incidents/" + id, "reader-a", null));
    assertThat(incident.get("status").asText()).isEqualTo("Dismissed");
    assertThat(incident.get("alerts")).allSatisfy(a -> assertThat(a.get("status").asText()).isEqualTo("Active"));
  }

  @Test
  void theOverviewCountsTheAttackForItsWorkspaceOnly() throws Exception {
    raiseTheAttack();

    JsonNode overview = json(call("GET", "/v1/overview?since=PT6H", "reader-a", null));

    assertThat(overview.get("alerts").get("total").asLong()).isEqualTo(4);
    assertThat(overview.get("alerts").get("bySeverity").get("Medium").asLong()).isEqualTo(3);
    assertThat(overview.get("bucketSeconds").asLong()).isEqualTo(900);
    assertThat(overview.get("alertsOverTime")).hasSize(24);
    long drawn = 0;
    for (JsonNode bucket : overview.get("alertsOverTime")) {
      for (JsonNode n : bucket.get("bySeverity")) {
        drawn += n.asLong();
      }
    }
    assertThat(drawn).isEqualTo(4);
    assertThat(overview.get("topAlertTypes")).hasSize(4);
    assertThat(overview.get("clustersByOpenAlerts").get(0).get("cluster").asText()).isEqualTo(AttackStory.CLUSTER);
    assertThat(overview.get("clustersByOpenAlerts").get(0).get("open").asLong()).isEqualTo(4);
    assertThat(overview.get("incidents").get("open").asLong()).isEqualTo(1);
    assertThat(overview.get("incidents").get("latest").get(0).get("alertCount").asInt()).isEqualTo(4);
    assertThat(overview.get("attackMatrix")).extracting(t -> t.get("tactic").asText()).containsExactly(
        "Execution", "Persistence", "PrivilegeEscalation", "CredentialAccess", "Impact");
    JsonNode execution = overview.get("attackMatrix").get(0).get("techniques");
    assertThat(execution).extracting(t -> t.get("technique").asText() + "/" + t.get("fired").asLong() + "/"
        + t.get("covered").asBoolean()).containsExactly("T1609/1/true", "T1610/0/true");
    assertThat(overview.get("clusters").get(0).get("cluster").asText()).isEqualTo(AttackStory.CLUSTER + "-ws-a");

    JsonNode other = json(call("GET", "/v1/overview", "admin-b", null));
    assertThat(other.get("alerts").get("total").asLong()).isZero();
    assertThat(other.get("clustersByOpenAlerts")).isEmpty();
    assertThat(other.get("incidents").get("open").asLong()).isZero();
    assertThat(call("GET", "/v1/overview?since=yesterday", "reader-a", null).statusCode()).isEqualTo(400);
    assertThat(call("GET", "/v1/overview?until=PT1H", "reader-a", null).statusCode()).isEqualTo(400);
    assertThat(call("GET", "/v1/overview", "cluster-a", null).statusCode()).isEqualTo(403);
  }
}
