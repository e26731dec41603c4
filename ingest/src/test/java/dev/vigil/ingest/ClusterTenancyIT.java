package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.ingest.identity.Tokens;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.ClusterRegistration;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cluster names are unique per workspace: two workspaces hold a cluster of the same name at once, a
 * 409 comes only from the caller's own workspace, tokens, raw keys and health stay apart, and a
 * registration written before (keyed by the bare name) is read as its workspace's and deleted there.
 */
class ClusterTenancyIT {
  private static GatewayFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new GatewayFixture(IngestLimits.defaults());
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  private static HttpResponse<String> register(String adminToken, String name) throws Exception {
    return f.send(f.request(ClusterRoutes.PATH, adminToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}"))
        .build());
  }

  private static HttpResponse<String> show(String token, String name) throws Exception {
    return f.send(f.request(ClusterRoutes.PATH + "/" + name, token).GET().build());
  }

  private static HttpResponse<String> delete(String token, String name) throws Exception {
    return f.send(f.request(ClusterRoutes.PATH + "/" + name, token).DELETE().build());
  }

  private static String event(String auditId) {
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\""
        + auditId + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/default/pods\","
        + "\"verb\":\"list\",\"user\":{\"username\":\"alice\"},\"objectRef\":{\"resource\":\"pods\","
        + "\"namespace\":\"default\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"code\":200},"
        + "\"stageTimestamp\":\"2024-05-01T10:00:00.010000Z\"}";
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void theSameNameInTwoWorkspacesIsTwoClustersWithTheirOwnTokensKeysAndHealth() throws Exception {
    HttpResponse<String> mine = register(f.adminToken, "prod-a");
    assertThat(mine.statusCode()).as(mine.body()).isEqualTo(201);
    HttpResponse<String> again = register(f.adminToken, "prod-a");
    assertThat(again.statusCode()).as("a name taken in the same workspace").isEqualTo(409);
    HttpResponse<String> theirs = register(f.otherAdminToken, "prod-a");
    assertThat(theirs.statusCode()).as("the same name in another workspace: " + theirs.body()).isEqualTo(201);

    String mineToken = GatewayFixture.json(mine).path("token").asText();
    String theirToken = GatewayFixture.json(theirs).path("token").asText();
    assertThat(f.registry.resolve(mineToken)).hasValue(new Caller(Caller.CLUSTER, "default", "prod-a"));
    assertThat(f.registry.resolve(theirToken)).hasValue(new Caller(Caller.CLUSTER, "other", "prod-a"));

    assertThat(f.push(mineToken, event("tenancy-mine-1")).statusCode()).isEqualTo(200);
    assertThat(f.push(theirToken, event("tenancy-theirs-1") + "\n" + event("tenancy-theirs-2")).statusCode())
        .isEqualTo(200);
    List<ConsumerRecord<String, byte[]>> raw = f.awaitRecords(Topics.AUDIT_RAW.name(),
        r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"tenancy-"), 3);
    assertThat(raw).hasSize(3);
    for (ConsumerRecord<String, byte[]> record : raw) {
      String workspace = new String(record.value(), StandardCharsets.UTF_8).contains("tenancy-mine")
          ? "default" : "other";
      assertThat(record.key()).isEqualTo(workspace + "/prod-a/alice");
      assertThat(header(record, VigilHeaders.WORKSPACE)).isEqualTo(workspace);
      assertThat(header(record, VigilHeaders.CLUSTER)).isEqualTo("prod-a");
    }

    JsonNode mineShown = GatewayFixture.json(show(f.adminToken, "prod-a"));
    JsonNode theirsShown = GatewayFixture.json(show(f.otherAdminToken, "prod-a"));
    assertThat(mineShown.path("workspace").asText()).isEqualTo("default");
    assertThat(mineShown.path("eventsReceived").asLong()).isEqualTo(1);
    assertThat(theirsShown.path("workspace").asText()).isEqualTo("other");
    assertThat(theirsShown.path("eventsReceived").asLong()).isEqualTo(2);

    // Deleting theirs leaves mine, its token and its counters alone.
    assertThat(delete(f.otherAdminToken, "prod-a").statusCode()).isEqualTo(204);
    assertThat(show(f.otherAdminToken, "prod-a").statusCode()).isEqualTo(404);
    assertThat(f.push(theirToken, event("tenancy-theirs-3")).statusCode()).isEqualTo(401);
    assertThat(f.registry.resolve(mineToken)).isPresent();
    assertThat(GatewayFixture.json(show(f.adminToken, "prod-a")).path("eventsReceived").asLong()).isEqualTo(1);
  }

  @Test
  void aRegistrationKeyedByItsBareNameIsReadAsItsWorkspacesAndDeletedThere() throws Exception {
    String token = Tokens.newClusterToken();
    ClusterRegistration legacy = new ClusterRegistration(
        "legacy-a", "default", Fingerprints.tokenHash(token), Map.of(), Instant.parse("2024-01-01T00:00:00Z"));
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, f.kafka.bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      byte[] value = Topics.CLUSTERS.valueSerde().serializer().serialize(Topics.CLUSTERS.name(), legacy);
      producer.send(new ProducerRecord<>(Topics.CLUSTERS.name(), "legacy-a", value)).get(30, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> f.registry.resolve(token).isPresent());
    assertThat(f.registry.resolve(token)).hasValue(new Caller(Caller.CLUSTER, "default", "legacy-a"));
    assertThat(show(f.adminToken, "legacy-a").statusCode()).isEqualTo(200);
    assertThat(show(f.otherAdminToken, "legacy-a").statusCode()).isEqualTo(404);
    assertThat(register(f.otherAdminToken, "legacy-a").statusCode()).as("not a name of other's").isEqualTo(201);
    assertThat(register(f.adminToken, "legacy-a").statusCode()).as("taken in default").isEqualTo(409);

    assertThat(delete(f.adminToken, "legacy-a").statusCode()).isEqualTo(204);
    assertThat(f.registry.resolve(token)).isEmpty();
    assertThat(f.awaitRecords(Topics.CLUSTERS.name(), r -> r.key().equals("legacy-a") && r.value() == null, 1))
        .as("the tombstone goes to the key the registration was written under").hasSize(1);
    try (ClusterRegistry fresh = new ClusterRegistry(Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
      fresh.start();
      assertThat(fresh.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      assertThat(fresh.resolve(token)).as("deleted for good, not back on a re-read").isEmpty();
      assertThat(fresh.get("default", "legacy-a")).isEmpty();
      assertThat(fresh.get("other", "legacy-a")).map(ClusterRegistration::workspace).hasValue("other");
    }
  }
}
