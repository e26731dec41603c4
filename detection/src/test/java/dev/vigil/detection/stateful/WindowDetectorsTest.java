package dev.vigil.detection.stateful;

import static dev.vigil.detection.stateful.StatefulHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.stateful.StatefulHarness.Event;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowDetectorsTest {

  private static final String BURST = "VIGIL_ForbiddenBurst";
  private static final Duration TICK = Duration.ofSeconds(1);

  @TempDir Path stateDir;

  StatefulHarness harness() {
    return new StatefulHarness(stateDir, StatefulConfig.defaults());
  }

  static Event forbidden(String user, long second) {
    return event(user, "get", "secrets").ns("prod").name("db-" + second).code(403).atSecond(second);
  }

  @Test
  void twelveForbiddenRequestsOfOneUserGiveOneFindingAtTheNextWallClockTick() {
    try (StatefulHarness h = harness()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        Event e = forbidden("mallory", i * 2);
        ids.add(e.auditId());
        h.send(e);
      }
      assertThat(h.findings(BURST)).as("reported on punctuation, not per event").isEmpty();

      h.advanceWallClock(TICK);
      List<Finding> findings = h.findings(BURST);
      assertThat(findings).hasSize(1);
      Finding f = findings.get(0);
      SchemaAssertions.assertValid(SchemaAssertions.FINDING, f);
      assertThat(f.count()).isEqualTo(12);
      assertThat(f.auditIds()).containsExactlyElementsOf(ids);
      assertThat(f.compromisedEntity()).isEqualTo("mallory");
      assertThat(f.fingerprint())
          .isEqualTo(Fingerprints.alertFingerprint(StatefulHarness.WORKSPACE, StatefulHarness.CLUSTER, BURST,
              "mallory"));
      assertThat(f.startTime()).isEqualTo(StatefulHarness.START);
      assertThat(f.endTime()).isEqualTo(StatefulHarness.START.plusSeconds(22));
      assertThat(f.extendedProperties())
          .containsEntry("threshold", "10")
          .containsEntry("window", "PT1M")
          .containsEntry("distinctCount", "10")
          .containsEntry("totalCount", "12")
          .containsEntry("sourceIPs", "203.0.113.9")
          .doesNotContainKey("update");
      assertThat(f.extendedProperties().get("distinctValues")).isEqualTo("get secrets (403)");
      assertThat(f.description()).contains("mallory", "prod-eu-1", "threshold 10");

      h.advanceWallClock(Duration.ofMinutes(5));
      assertThat(h.findings()).isEmpty();
    }
  }

  @Test
  void requestsJoiningAReportedBurstComeAsOneUpdateWithTheirOwnCount() {
    try (StatefulHarness h = harness()) {
      for (int i = 0; i < 10; i++) {
        h.send(forbidden("mallory", i));
      }
      h.advanceWallClock(TICK);
      assertThat(h.findings(BURST)).singleElement().extracting(Finding::count).isEqualTo(10);
      h.send(forbidden("mallory", 30));
      h.send(forbidden("mallory", 31));
      h.advanceWallClock(TICK);
      List<Finding> update = h.findings(BURST);
      assertThat(update).singleElement().satisfies(f -> {
        assertThat(f.count()).isEqualTo(2);
        assertThat(f.extendedProperties()).containsEntry("update", "true").containsEntry("totalCount", "12");
      });
    }
  }

  @Test
  void twelveUsersWithOneForbiddenRequestEachStayQuiet() {
    try (StatefulHarness h = harness()) {
      for (int i = 0; i < 12; i++) {
        h.send(forbidden("user-" + i, i));
      }
      h.advanceWallClock(TICK);
      h.advanceWallClock(Duration.ofMinutes(2));
      assertThat(h.findings(BURST)).isEmpty();
    }
  }

  @Test
  void nineForbiddenOrTenSpreadOverMoreThanTheWindowStayQuiet() {
    try (StatefulHarness h = harness()) {
      for (int i = 0; i < 9; i++) {
        h.send(forbidden("bob", i));
      }
      for (int i = 0; i < 10; i++) {
        h.send(forbidden("carol", i * 7));
      }
      h.send(event("dave", "get", "secrets").ns("prod").name("x").code(200).atSecond(1));
      h.advanceWallClock(TICK);
      assertThat(h.findings(BURST)).isEmpty();
    }
  }

  @Test
  void outOfOrderEventsWithinGraceCountAndLaterOnesAreIgnored() {
    try (StatefulHarness h = harness()) {
      h.send(forbidden("erin", 300));
      // 3 minutes older than the newest: beyond window (1 min) plus grace (30 s).
      h.send(forbidden("erin", 120));
      assertThat(h.late(BURST)).isEqualTo(1);
      for (int i = 0; i < 9; i++) {
        h.send(forbidden("erin", 299 - i)); // out of order, within the window
      }
      h.advanceWallClock(TICK);
      assertThat(h.findings(BURST)).singleElement().satisfies(f -> {
        assertThat(f.count()).isEqualTo(10);
        assertThat(f.startTime()).isEqualTo(StatefulHarness.START.plusSeconds(291));
        assertThat(f.endTime()).isEqualTo(StatefulHarness.START.plusSeconds(300));
      });
    }
  }

  @Test
  void aNewBurstAfterTheFirstEndedOpensItsOwnFinding() {
    try (StatefulHarness h = harness()) {
      for (int i = 0; i < 10; i++) {
        h.send(forbidden("mallory", i));
      }
      h.advanceWallClock(TICK);
      assertThat(h.findings(BURST)).hasSize(1);
      h.send(forbidden("mallory", 600)); // long after: not part of the first burst
      h.advanceWallClock(TICK);
      assertThat(h.findings(BURST)).isEmpty();
      for (int i = 1; i < 10; i++) {
        h.send(forbidden("mallory", 600 + i));
      }
      h.advanceWallClock(TICK);
      assertThat(h.findings(BURST)).singleElement().satisfies(f -> {
        assertThat(f.count()).isEqualTo(10);
        assertThat(f.extendedProperties()).doesNotContainKey("update");
      });
    }
  }

  @Test
  void tenDistinctSecretsReadFireSecretEnumerationTheSameSecretTwentyTimesDoesNot() {
    try (StatefulHarness h = harness()) {
      for (int i = 0; i < 20; i++) {
        h.send(event("ci-bot", "get", "secrets").ns("prod").name("same").atSecond(i));
      }
      for (int i = 0; i < 10; i++) {
        h.send(event("eve", "get", "secrets").ns("ns-" + (i % 3)).name("s-" + i).atSecond(i));
      }
      h.advanceWallClock(TICK);
      List<Finding> findings = h.findings("VIGIL_SecretEnumeration");
      assertThat(findings).singleElement().satisfies(f -> {
        assertThat(f.compromisedEntity()).isEqualTo("eve");
        assertThat(f.count()).isEqualTo(10);
        assertThat(f.extendedProperties()).containsEntry("dimension", "secrets")
            .containsEntry("threshold", "10");
        assertThat(f.extendedProperties().get("distinctValues")).contains("ns-0/s-0", "ns-0/s-9");
      });
    }
  }

  @Test
  void secretsListedInFiveNamespacesFireSecretEnumerationFourDoNot() {
    try (StatefulHarness h = harness()) {
      for (int i = 0; i < 5; i++) {
        h.send(event("eve", "list", "secrets").ns("ns-" + i).atSecond(i));
      }
      for (int i = 0; i < 4; i++) {
        h.send(event("frank", "list", "secrets").ns("ns-" + i).atSecond(i));
        h.send(event("frank", "list", "secrets").ns("ns-" + i).atSecond(i + 10));
      }
      h.advanceWallClock(TICK);
      assertThat(h.findings("VIGIL_SecretEnumeration")).singleElement().satisfies(f -> {
        assertThat(f.compromisedEntity()).isEqualTo("eve");
        assertThat(f.extendedProperties()).containsEntry("dimension", "namespaces")
            .containsEntry("threshold", "5").containsEntry("distinctCount", "5");
      });
    }
  }

  @Test
  void fifteenResourceTypesListedFireDiscoveryBurstFourteenOrAControllerDoNot() {
    try (StatefulHarness h = harness()) {
      for (int i = 0; i < 15; i++) {
        h.send(event("recon", "list", "type" + i).atSecond(i));
      }
      for (int i = 0; i < 14; i++) {
        h.send(event("admin", "list", "type" + i).atSecond(i));
      }
      for (int i = 0; i < 30; i++) {
        h.send(event("system:serviceaccount:kube-system:generic-garbage-collector", "list", "type" + i)
            .atSecond(i));
        h.send(event("system:kube-controller-manager", "list", "type" + i).atSecond(i));
      }
      h.advanceWallClock(TICK);
      assertThat(h.findings("VIGIL_DiscoveryBurst")).singleElement().satisfies(f -> {
        assertThat(f.compromisedEntity()).isEqualTo("recon");
        assertThat(f.count()).isEqualTo(15);
        assertThat(f.extendedProperties()).containsEntry("threshold", "15");
      });
    }
  }

  @Test
  void thresholdsAreConfigurable() {
    StatefulConfig config = StatefulConfig.defaults()
        .withForbiddenBurst(StatefulConfig.Threshold.of(3, Duration.ofSeconds(10)));
    try (StatefulHarness h = new StatefulHarness(stateDir, config)) {
      for (int i = 0; i < 3; i++) {
        h.send(forbidden("mallory", i * 4)); // 0, 4, 8: within 10 s
      }
      for (int i = 0; i < 3; i++) {
        h.send(forbidden("bob", i * 6)); // 0, 6, 12: not within 10 s
      }
      h.advanceWallClock(TICK);
      assertThat(h.findings(BURST)).singleElement()
          .satisfies(f -> assertThat(f.compromisedEntity()).isEqualTo("mallory"));
    }
  }

  @Test
  void repeatsOfOneValueFoldIntoOneObservationAndStillCount() {
    try (StatefulHarness h = harness()) {
      // A busy principal lists the same 14 types over and over: below the threshold of 15 distinct.
      for (int i = 0; i < 280; i++) {
        h.send(event("busy", "list", "type" + (i % 14)).at(StatefulHarness.START.plusMillis(i * 100L)));
      }
      h.advanceWallClock(TICK);
      assertThat(h.findings("VIGIL_DiscoveryBurst")).isEmpty();
      // The 15th type opens the burst; the repeats in the window count into it.
      h.send(event("busy", "list", "type14").at(StatefulHarness.START.plusMillis(28_000)));
      h.advanceWallClock(TICK);
      assertThat(h.findings("VIGIL_DiscoveryBurst")).singleElement().satisfies(f -> {
        assertThat(f.extendedProperties()).containsEntry("distinctCount", "15");
        assertThat(f.count()).isEqualTo(281);
      });
    }
  }
}
