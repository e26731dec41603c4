package dev.vigil.detection.stateful;

import static dev.vigil.detection.stateful.StatefulHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.stateful.StatefulHarness.Event;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workspaces each with a cluster named {@code prod-a} (the second registered after the first was
 * deleted, or both at once): per-principal, per-cluster and per-request state never mixes them, even
 * when their records carry the old key {@code cluster/user}, which does not name the workspace.
 */
class TenancyStatefulTest {
  private static final String CLUSTER = "prod-a";
  private static final String MINE = "default";
  private static final String THEIRS = "other";
  private static final String LEGACY_KEY = CLUSTER + "/mallory";
  private static final String BURST = "VIGIL_ForbiddenBurst";
  private static final Duration TICK = Duration.ofSeconds(1);

  @TempDir Path stateDir;

  private static Event forbidden(long second) {
    return event("mallory", "get", "secrets").ns("prod").code(403).atSecond(second);
  }

  @Test
  void forbiddenRequestsOfTwoWorkspacesSameClusterNameAndUserNeverAddUp() {
    try (StatefulHarness h = new StatefulHarness(stateDir, StatefulConfig.defaults())) {
      // Threshold 10 within a minute: 6 + 6 would cross it if the two principals were one.
      for (int i = 0; i < 6; i++) {
        h.sendKeyed(LEGACY_KEY, MINE, CLUSTER, forbidden(i));
        h.sendKeyed(LEGACY_KEY, THEIRS, CLUSTER, forbidden(i));
      }
      h.advanceWallClock(TICK);
      assertThat(h.findings(BURST)).as("6 in each workspace, below the threshold").isEmpty();

      for (int i = 6; i < 10; i++) {
        h.send(MINE, CLUSTER, forbidden(i));
      }
      h.advanceWallClock(TICK);
      List<Finding> findings = h.findings(BURST);
      assertThat(findings).singleElement().satisfies(f -> {
        assertThat(f.workspace()).isEqualTo(MINE);
        assertThat(f.cluster()).isEqualTo(CLUSTER);
        assertThat(f.count()).isEqualTo(10);
        assertThat(f.fingerprint())
            .isEqualTo(Fingerprints.alertFingerprint(MINE, CLUSTER, BURST, "mallory"));
      });
    }
  }

  @Test
  void theSameAuditIdOfAnExecInTwoWorkspacesIsTwoRequests() {
    try (StatefulHarness h = new StatefulHarness(stateDir, StatefulConfig.defaults())) {
      Event exec = SequenceBaselineAndThreatIntelTest.exec("mallory", 0).id("shared-audit-id");
      h.send(MINE, CLUSTER, exec);
      h.send(THEIRS, CLUSTER, exec);
      List<Finding> findings = h.findings("VIGIL_ExecIntoPod");
      assertThat(findings).extracting(Finding::workspace).containsExactly(MINE, THEIRS);
      assertThat(findings.get(0).fingerprint()).isNotEqualTo(findings.get(1).fingerprint());
    }
  }

  @Test
  void aKubeSystemBaselineLearnedInOneWorkspaceDoesNotHideANewContainerInAnother() {
    StatefulConfig learningOneHour =
        StatefulConfig.defaults().withBaseline(Duration.ofHours(1), Duration.ofDays(30));
    try (StatefulHarness h = new StatefulHarness(stateDir, learningOneHour)) {
      String controller = "system:serviceaccount:kube-system:daemon-set-controller";
      String image = "evil.example/xmrig:latest";
      h.send(MINE, CLUSTER,
          SequenceBaselineAndThreatIntelTest.podIn("kube-system", controller, "helper", image, 0));
      h.send(THEIRS, CLUSTER,
          SequenceBaselineAndThreatIntelTest.podIn("kube-system", controller, "proxy", "registry.k8s.io/kube-proxy:v1", 0));
      // After learning: "helper" is known in MINE's prod-a only, so THEIRS' is new there.
      h.send(THEIRS, CLUSTER,
          SequenceBaselineAndThreatIntelTest.podIn("kube-system", "mallory", "helper", image, 7200));
      h.send(MINE, CLUSTER,
          SequenceBaselineAndThreatIntelTest.podIn("kube-system", "mallory", "helper", image, 7210));
      List<Finding> findings = h.findings("K8S_KubeSystemContainer");
      assertThat(findings).singleElement().satisfies(f -> {
        assertThat(f.workspace()).isEqualTo(THEIRS);
        assertThat(f.cluster()).isEqualTo(CLUSTER);
      });
    }
  }
}
