package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.identity.ClusterRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster's life through the API: registered (Pending), sending through kube-apiserver's audit
 * webhook (Healthy), silent past a short threshold (Unhealthy), removed (its token refused on this
 * gateway at once and on a second registry instance as soon as it reads the tombstone).
 */
class ClusterLifecycleIT {
  private static final Duration UNHEALTHY_AFTER = Duration.ofSeconds(2);
  private static GatewayFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new GatewayFixture(IngestLimits.defaults(), UNHEALTHY_AFTER);
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  private static String event(String auditId, String verb) {
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\""
        + auditId + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/default/pods\","
        + "\"verb\":\"" + verb + "\",\"user\":{\"username\":\"system:serviceaccount:kube-system:replicaset-controller\","
        + "\"groups\":[\"system:serviceaccounts\",\"system:authenticated\"]},\"sourceIPs\":[\"10.0.0.4\"],"
        + "\"userAgent\":\"kube-controller-manager/v1.30.2\",\"objectRef\":{\"resource\":\"pods\","
        + "\"namespace\":\"default\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"metadata\":{},\"code\":200},"
        + "\"requestReceivedTimestamp\":\"2024-05-01T10:00:00.000000Z\","
        + "\"stageTimestamp\":\"2024-05-01T10:00:00.010000Z\"}";
  }

  /** What kube-apiserver's batching audit webhook posts: an EventList, with client-go's headers. */
  private static HttpRequest webhookPost(String token, String... events) {
    String body = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
        + String.join(",", events) + "]}";
    return f.request(IngestRoutes.WEBHOOK_ALIAS, token)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, */*")
        .header("User-Agent", "kube-apiserver/v1.30.2 (linux/amd64) kubernetes/3968350")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static JsonNode show(String name) throws Exception {
    HttpResponse<String> response = f.send(f.request(ClusterRoutes.PATH + "/" + name, f.readerToken).GET().build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayFixture.json(response);
  }

  @Test
  void pendingThenHealthyThenUnhealthyThenRevokedEverywhere() throws Exception {
    String token = f.registerCluster("prod-1");
    JsonNode registered = show("prod-1");
    assertThat(registered.path("installState").asText()).isEqualTo("Pending");
    assertThat(registered.path("labels").path("env").asText()).isEqualTo("test");
    assertThat(registered.hasNonNull("lastEventTime")).isFalse();

    HttpResponse<String> accepted = f.send(webhookPost(token, event("wh-1", "create"), event("wh-2", "delete")));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    assertThat(GatewayFixture.json(accepted).path("accepted").asInt()).isEqualTo(2);
    HttpResponse<String> partly = f.send(webhookPost(token, event("wh-3", "get"), "{\"kind\":\"Event\"}"));
    assertThat(GatewayFixture.json(partly).path("rejected").asInt()).isEqualTo(1);

    JsonNode healthy = show("prod-1");
    assertThat(healthy.path("installState").asText()).isEqualTo("Healthy");
    assertThat(healthy.path("eventsReceived").asLong()).isEqualTo(3);
    assertThat(healthy.path("eventsRejected").asLong()).isEqualTo(1);
    assertThat(healthy.path("eventsPerMinute").asLong()).isEqualTo(3);
    assertThat(healthy.path("lastEventTime").asText()).isNotEmpty();
    f.awaitRecords(dev.vigil.schemas.Topics.AUDIT_RAW.name(),
        r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains("\"wh-"), 3);

    await().atMost(Duration.ofSeconds(15)).until(() -> show("prod-1").path("installState").asText().equals("Unhealthy"));
    HttpResponse<String> list = f.send(f.request(ClusterRoutes.PATH, f.readerToken).GET().build());
    assertThat(list.body()).contains("\"name\":\"prod-1\"", "\"installState\":\"Unhealthy\"");

    try (ClusterRegistry otherInstance = new ClusterRegistry(Map.of("bootstrap.servers", f.kafka.bootstrapServers()))) {
      otherInstance.start();
      assertThat(otherInstance.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      assertThat(otherInstance.resolve(token)).isPresent();

      HttpResponse<String> removed = f.send(f.request(ClusterRoutes.PATH + "/prod-1", f.adminToken).DELETE().build());
      assertThat(removed.statusCode()).isEqualTo(204);

      HttpResponse<String> refused = f.send(webhookPost(token, event("wh-4", "get")));
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("unknown or revoked");
      assertThat(f.send(f.request(ClusterRoutes.PATH + "/prod-1", f.readerToken).GET().build()).statusCode())
          .isEqualTo(404);
      await().atMost(Duration.ofSeconds(10)).until(() -> otherInstance.resolve(token).isEmpty());
    }
  }
}
