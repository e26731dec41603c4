package dev.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void namesAreUniqueVersionedAndFollowTheContract() {
    var names = new HashSet<String>();
    for (Topic<?, ?> topic : Topics.all()) {
      assertThat(names.add(topic.name())).as(topic.name()).isTrue();
      assertThat(topic.name()).matches("vigil\\.[a-z.-]+\\.v[0-9]+");
    }
    assertThat(Topics.AUDIT_RAW.partitions()).isGreaterThanOrEqualTo(6);
    assertThat(Topics.ALERTS.compacted()).isTrue();
    assertThat(Topics.ALERT_STATUS.compacted()).isTrue();
    assertThat(Topics.CLUSTERS.compacted()).isTrue();
    assertThat(Topics.AUDIT_RAW.compacted()).isFalse();
  }

  @Test
  void replicationFollowsTheClusterSizeUpToThreeWithMinIsrTwoAtThree() {
    assertThat(Topics.replicationFor(1)).isEqualTo((short) 1);
    assertThat(Topics.replicationFor(2)).isEqualTo((short) 2);
    assertThat(Topics.replicationFor(3)).isEqualTo((short) 3);
    assertThat(Topics.replicationFor(5)).isEqualTo((short) 3);

    var three = Topics.newTopics(Topics.replicationFor(5));
    assertThat(three).hasSameSizeAs(Topics.all());
    for (var topic : three) {
      assertThat(topic.replicationFactor()).as(topic.name()).isEqualTo((short) 3);
      assertThat(topic.configs()).as(topic.name()).containsEntry("min.insync.replicas", "2");
    }
    var alerts = three.stream().filter(t -> t.name().equals(Topics.ALERTS.name())).findFirst().orElseThrow();
    assertThat(alerts.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(alerts.numPartitions()).isEqualTo(Topics.ALERTS.partitions());

    for (int brokers : new int[] {1, 2}) {
      for (var topic : Topics.newTopics(Topics.replicationFor(brokers))) {
        assertThat(topic.replicationFactor()).as(topic.name()).isEqualTo((short) brokers);
        assertThat(topic.configs()).as(topic.name()).doesNotContainKey("min.insync.replicas");
      }
    }
  }

  @Test
  void fingerprintsDependOnEveryPartOfTheTuple() {
    String fp = Fingerprints.alertFingerprint("w", "c", "K8S_TestAlert", "ns/pod/x");
    assertThat(fp).hasSize(32).isEqualTo(Fingerprints.alertFingerprint("w", "c", "K8S_TestAlert", "ns/pod/x"));
    assertThat(fp).isNotEqualTo(Fingerprints.alertFingerprint("w", "c2", "K8S_TestAlert", "ns/pod/x"));
    assertThat(Fingerprints.alertFingerprint("w", "a", "bc", "d"))
        .isNotEqualTo(Fingerprints.alertFingerprint("w", "ab", "c", "d"));
    assertThat(Fingerprints.alertFingerprint("wa", "b", "c", "d"))
        .isNotEqualTo(Fingerprints.alertFingerprint("w", "ab", "c", "d"));
  }

  @Test
  void theSameClusterNameInTwoWorkspacesNeverSharesAnAlert() {
    assertThat(Fingerprints.alertFingerprint("default", "prod-a", "K8S_TestAlert", "asc-alerttest-1"))
        .isNotEqualTo(Fingerprints.alertFingerprint("other", "prod-a", "K8S_TestAlert", "asc-alerttest-1"));
  }

  @Test
  void clusterKeysCarryTheWorkspace() {
    assertThat(ClusterKeys.of("default", "prod-a")).isEqualTo("default/prod-a");
    assertThat(ClusterKeys.rawKey("other", "prod-a", "system:serviceaccount:ns/sa"))
        .isEqualTo("other/prod-a/system:serviceaccount:ns/sa");
    assertThat(ClusterKeys.rawKey("other", "prod-a", null)).isEqualTo("other/prod-a/");
  }

  @Test
  void alertRoundTripsThroughItsSerde() {
    var serde = new JsonSerde<>(Alert.class);
    var alert =
        new Alert("id1", "K8S_TestAlert", "Test alert", "d", Severity.Informational,
            java.util.List.of(), java.util.List.of(), AlertStatus.Active, "default", "c", "user",
            java.util.List.of(Entity.of("user", "u")), java.util.List.of("none"),
            java.time.Instant.parse("2024-01-01T00:00:00.123456Z"),
            java.time.Instant.parse("2024-01-01T00:00:01Z"), java.time.Instant.now(), 2,
            java.util.List.of("a"), java.util.Map.of("verb", "get"));
    byte[] bytes = serde.serializer().serialize("t", alert);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(alert);
    dev.vigil.schemas.testing.SchemaAssertions.assertValid("alert", alert);
  }
}
