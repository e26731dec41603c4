package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.settings.VigilConfig;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.ingest.identity.Tokens;
import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.schemas.ApiToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alerts-only process resolves tokens with a read-only {@code IdentityReader}: tokens another
 * process registers and revokes reach it through the topics, and it serves no gateway route.
 */
class AlertsRoleIT {
  @TempDir Path dir;

  @Test
  void anAlertsOnlyProcessFollowsTokensWrittenElsewhereAndServesNoGatewayRoute() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        ClusterRegistry gatewaySide = new ClusterRegistry(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      gatewaySide.start();
      assertThat(gatewaySide.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      String reader = Tokens.newApiToken();
      ApiToken readerRecord = gatewaySide.ensureApiToken(reader, "a", ApiToken.ROLE_READER, "alerts role reader");
      String cluster = gatewaySide.register("prod-a", "a", Map.of());

      try (VigilServer alertsOnly = VigilServer.start(VigilConfig.forTests(dir.resolve("data"))
          .withRoles(EnumSet.of(Role.ALERTS_API), kafka.bootstrapServers()))) {
        Https https = Https.of(alertsOnly);
        assertThat(https.get("/readyz", null).status()).isEqualTo(200);
        assertThat(https.get("/v1/alerts", reader).status()).isEqualTo(200);
        assertThat(https.get("/v1/alerts", cluster).status()).isEqualTo(403);
        Https.Answer unknown = https.get("/v1/alerts", Tokens.newApiToken());
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.header("WWW-Authenticate")).contains("invalid_token");
        assertThat(https.get("/v1/clusters", reader).status()).as("no gateway routes here").isEqualTo(404);

        String later = Tokens.newApiToken();
        gatewaySide.ensureApiToken(later, "a", ApiToken.ROLE_READER, "written after the start");
        await().atMost(Duration.ofSeconds(30)).until(() -> https.get("/v1/alerts", later).status() == 200);
        assertThat(gatewaySide.revokeApiToken(readerRecord.id())).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> https.get("/v1/alerts", reader).status() == 401);
      }
    }
  }
}
