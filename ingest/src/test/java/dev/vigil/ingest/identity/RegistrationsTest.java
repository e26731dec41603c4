package dev.vigil.ingest.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.ClusterRegistration;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrationsTest {
  private static final Instant T = Instant.parse("2024-05-01T12:00:00Z");
  private static final String CLUSTERS = Topics.CLUSTERS.name();
  private static final String TOKENS = Topics.API_TOKENS.name();

  private final Registrations registrations = new Registrations();

  private static byte[] cluster(String workspace, String name, String token) {
    return Topics.CLUSTERS.valueSerde().serializer().serialize(CLUSTERS,
        new ClusterRegistration(name, workspace, Fingerprints.tokenHash(token), Map.of(), T));
  }

  private static byte[] apiToken(String id, String workspace, String role, String token, Instant expiresAt) {
    return Topics.API_TOKENS.valueSerde().serializer().serialize(TOKENS,
        new ApiToken(id, workspace, role, Fingerprints.tokenHash(token), "d", T, expiresAt));
  }

  @Test
  void aRegistrationGrantsItsTokenAndItsTombstoneTakesItBack() {
    String token = Tokens.newClusterToken();
    registrations.apply(CLUSTERS, "ws/prod", cluster("ws", "prod", token), 0);

    assertThat(registrations.tokens().resolve(token)).hasValue(new Caller(Caller.CLUSTER, "ws", "prod"));
    assertThat(registrations.get("ws", "prod")).isPresent();
    assertThat(registrations.get("other", "prod")).isEmpty();

    registrations.apply(CLUSTERS, "ws/prod", null, 1);
    assertThat(registrations.tokens().resolve(token)).isEmpty();
    assertThat(registrations.list("ws")).isEmpty();
  }

  @Test
  void aStaleRecordNeverUndoesANewerOne() {
    String token = Tokens.newClusterToken();
    registrations.apply(CLUSTERS, "ws/prod", null, 5);
    registrations.apply(CLUSTERS, "ws/prod", cluster("ws", "prod", token), 3);

    assertThat(registrations.tokens().resolve(token)).isEmpty();
  }

  @Test
  void aNewTokenOfTheSameClusterReplacesTheOldOne() {
    String first = Tokens.newClusterToken();
    String second = Tokens.newClusterToken();
    registrations.apply(CLUSTERS, "ws/prod", cluster("ws", "prod", first), 0);
    registrations.apply(CLUSTERS, "ws/prod", cluster("ws", "prod", second), 1);

    assertThat(registrations.tokens().resolve(first)).isEmpty();
    assertThat(registrations.tokens().resolve(second)).isPresent();
  }

  @Test
  void aBareKeyIsFiledUnderItsWorkspaceAndOnlyItsOwnTombstoneRemovesIt() {
    String legacy = Tokens.newClusterToken();
    registrations.apply(CLUSTERS, "legacy-a", cluster("default", "legacy-a", legacy), 0);

    assertThat(registrations.get("default", "legacy-a")).isPresent();
    assertThat(registrations.topicKey("default/legacy-a")).isEqualTo("legacy-a");
    registrations.apply(CLUSTERS, "default/legacy-a", null, 1);
    assertThat(registrations.tokens().resolve(legacy)).as("not the key it was written under").isPresent();
    registrations.apply(CLUSTERS, "legacy-a", null, 2);
    assertThat(registrations.tokens().resolve(legacy)).isEmpty();
  }

  @Test
  void recordsThatContradictTheirKeyOrCarryNoHashAreSkipped() {
    String token = Tokens.newClusterToken();
    registrations.apply(CLUSTERS, "ws/other-name", cluster("ws", "prod", token), 0);
    registrations.apply(CLUSTERS, "ws/bad", "{\"name\":\"bad\",\"workspace\":\"ws\",\"tokenHash\":\"XYZ\"}"
        .getBytes(StandardCharsets.UTF_8), 1);
    registrations.apply(CLUSTERS, "ws/junk", "not json".getBytes(StandardCharsets.UTF_8), 2);

    assertThat(registrations.tokens().resolve(token)).isEmpty();
    assertThat(registrations.all()).isEmpty();
  }

  @Test
  void apiTokensResolveUntilTheyExpireOrAreRevokedAndRecordTheirLastUse() {
    String reader = Tokens.newApiToken();
    String expired = Tokens.newApiToken();
    registrations.apply(TOKENS, "r1", apiToken("r1", "ws", ApiToken.ROLE_READER, reader, null), 0);
    registrations.apply(TOKENS, "e1", apiToken("e1", "ws", ApiToken.ROLE_ADMIN, expired, Instant.now().minusSeconds(1)), 1);

    assertThat(registrations.tokens().resolve(reader)).hasValue(new Caller(ApiToken.ROLE_READER, "ws", "r1"));
    assertThat(registrations.tokens().lastUsed("r1")).isPresent();
    assertThat(registrations.tokens().resolve(expired)).isEmpty();
    assertThat(registrations.apiTokens("ws")).extracting(ApiToken::id).containsExactly("e1", "r1");

    registrations.apply(TOKENS, "r1", null, 2);
    assertThat(registrations.tokens().resolve(reader)).isEmpty();
    assertThat(registrations.tokens().lastUsed("r1")).isEmpty();
  }

  @Test
  void tokensTooLongOrEmptyAreNotEvenHashed() {
    assertThat(registrations.tokens().resolve("")).isEmpty();
    assertThat(registrations.tokens().resolve(null)).isEmpty();
    assertThat(registrations.tokens().resolve("x".repeat(Tokens.MAX_CHARS + 1))).isEmpty();
  }
}
