package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.testing.SchemaAssertions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsApiOverTopologyTest {
  private static final Instant WALL = Instant.parse("2024-05-01T12:00:00Z");

  @Test
  void findingsBecomeAnAlertServedByTheApi(@TempDir Path stateDir) throws Exception {
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            AlertsTopology.build(AlertsConfig.defaults(new SimpleMeterRegistry())),
            AlertsApp.streamsProperties("localhost:9092", stateDir),
            WALL)) {
      TestInputTopic<String, Finding> findings =
          driver.createInputTopic(
              Topics.FINDINGS.name(),
              Topics.FINDINGS.keySerde().serializer(),
              Topics.FINDINGS.valueSerde().serializer());
      Instant t0 = WALL.minusSeconds(30);
      for (int i = 0; i < 3; i++) {
        Finding f = TestFindings.finding(t0.plusSeconds(i), "audit-" + i);
        findings.pipeInput(f.fingerprint(), f, f.startTime());
      }
      driver.advanceWallClockTime(Duration.ofSeconds(1));
      KeyValueStore<String, Alert> store = driver.getKeyValueStore(AlertsTopology.ALERTS_BY_ID_STORE);

      Vertx vertx = Vertx.vertx();
      try {
        Router router = Router.router(vertx);
        AlertsRoutes.mount(
            router,
            token ->
                "reader".equals(token)
                    ? Optional.of(new Caller("reader", TestFindings.WORKSPACE, "tok"))
                    : Optional.empty(),
            new AlertQueries(() -> store));
        HttpServer server =
            vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpResponse<String> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/alerts?cluster="
                                + TestFindings.CLUSTER))
                        .header("Authorization", "Bearer reader")
                        .build(),
                    HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.get("count").asInt()).isEqualTo(1);
        JsonNode alert = body.get("alerts").get(0);
        SchemaAssertions.assertValid("alert", alert);
        assertThat(alert.get("count").asLong()).isEqualTo(3);
        assertThat(alert.get("detectedTimeUtc").asText()).isEqualTo(WALL.toString());
        assertThat(alert.get("auditIds")).hasSize(3);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
