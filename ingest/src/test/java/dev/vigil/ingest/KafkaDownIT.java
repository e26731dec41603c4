package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaDownIT {
  private static final String EVENT =
      "{\"kind\":\"Event\",\"auditID\":\"down-1\",\"stage\":\"ResponseComplete\",\"verb\":\"get\","
          + "\"user\":{\"username\":\"alice\"},\"stageTimestamp\":\"2024-05-01T10:00:00Z\"}";

  private GatewayFixture f;

  @AfterEach
  void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  /** A cluster whose first push was accepted, and then the broker stopped; returns its token. */
  private String connectedThenBrokerGone(String cluster) throws Exception {
    f = new GatewayFixture(IngestLimits.defaults());
    String token = f.registerCluster(cluster);
    assertThat(f.push(token, EVENT).statusCode()).isEqualTo(200);
    f.kafka.close();
    return token;
  }

  @Test
  void pushAnswers503WithRetryAfterWhenTheBrokerIsGone() throws Exception {
    String token = connectedThenBrokerGone("lonely");
    // The request timeout of the fixture's client (30 s) fails the test if the gateway hangs.
    HttpResponse<String> response = f.push(token, EVENT);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(GatewayFixture.json(response).path("error").asText()).isEqualTo("kafka_unavailable");
    assertThat(f.meters.counter("vigil.ingest.requests", "status", "503").count()).isEqualTo(1);
  }

  @Test
  void onceTheBackgroundProbeFindsNoBrokerRequestsAreRefusedBeforeAnythingIsSent() throws Exception {
    String token = connectedThenBrokerGone("refused");
    // No request has failed yet: only the background probe can have found Kafka gone.
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(f.gateway::kafkaUnavailable);
    HttpResponse<String> response = f.push(token, EVENT);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(GatewayFixture.json(response).path("message").asText())
        .contains("nothing of this request was written");
  }
}
