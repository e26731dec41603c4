package dev.vigil.detection.stateful;

import static dev.vigil.detection.stateful.StatefulHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm start: backfilled history (its own timestamps; the driver's wall clock is {@link
 * StatefulHarness#START}) ends the cluster's learning period, and history older than the backfill
 * horizon (one day) teaches without alerting.
 */
class BackfillLearningTest {

  private static final String SECRET = "K8S_AnomalousSecretAccess";
  private static final String EXEC = "VIGIL_ExecIntoPod";
  private static final long HOUR = 3600;
  private static final long DAY = 24 * HOUR;

  @TempDir Path dir;

  private StatefulHarness harness() {
    return new StatefulHarness(dir.resolve("state"), StatefulConfig.defaults());
  }

  @Test
  void eightDaysOfHistoryEndTheSevenDayLearningSoAFirstSeenSecretReadFiresOnDayOne() {
    try (StatefulHarness h = harness()) {
      for (long t = -8 * DAY; t < 0; t += 6 * HOUR) {
        h.send(event("alice@example.com", "get", "secrets").ns("team-a").name("db").atSecond(t).backfill());
        h.send(event("system:serviceaccount:team-a:api", "get", "configmaps").ns("team-a").atSecond(t).backfill());
      }
      assertThat(h.findings()).as("history is learned").isEmpty();

      h.send(event("alice@example.com", "get", "secrets").ns("team-a").name("db").atSecond(60));
      h.send(event("mallory@example.com", "get", "secrets").ns("payments").name("stripe").atSecond(120));
      assertThat(h.findings(SECRET)).singleElement().satisfies(f -> {
        assertThat(f.compromisedEntity()).isEqualTo("mallory@example.com");
        assertThat(f.extendedProperties()).containsEntry("newNamespace", "payments");
      });
    }
  }

  @Test
  void withoutHistoryTheClusterIsStillLearningOnDayOne() {
    try (StatefulHarness h = harness()) {
      h.send(event("alice@example.com", "get", "secrets").ns("team-a").name("db").atSecond(0));
      h.send(event("mallory@example.com", "get", "secrets").ns("payments").name("stripe").atSecond(120));
      assertThat(h.findings(SECRET)).isEmpty();
    }
  }

  @Test
  void historyOlderThanTheHorizonTeachesButRaisesNothingWhileRecentHistoryAndLiveEventsAlert() {
    try (StatefulHarness h = harness()) {
      h.send(event("alice@example.com", "get", "secrets").ns("team-a").atSecond(-10 * DAY).backfill());
      // After learning, but three days old: learned, not raised.
      h.send(event("bob@example.com", "get", "secrets").ns("billing").atSecond(-3 * DAY).backfill());
      h.send(event("mallory", "create", "pods").ns("prod").name("api-0")
          .subresource("exec").code(101).stage("ResponseStarted").atSecond(-3 * DAY).backfill());
      h.advanceWallClock(Duration.ofSeconds(2));
      assertThat(h.findings()).isEmpty();
      assertThat(h.registry.find(StatefulMetrics.HISTORICAL).tag("type", SECRET).counter().count())
          .isEqualTo(1);

      h.send(event("bob@example.com", "get", "secrets").ns("billing").atSecond(60));
      assertThat(h.findings(SECRET)).as("bob's history was learned").isEmpty();

      // Within the horizon (two hours old): history still alerts.
      h.send(event("carol@example.com", "get", "secrets").ns("hr").atSecond(-2 * HOUR).backfill());
      assertThat(h.findings(SECRET)).singleElement()
          .satisfies(f -> assertThat(f.compromisedEntity()).isEqualTo("carol@example.com"));

      // A live event is judged however old its timestamp (a replayed file keeps its own).
      h.send(event("mallory", "create", "pods").ns("prod").name("api-0")
          .subresource("exec").code(101).stage("ResponseStarted").atSecond(-3 * DAY));
      assertThat(h.findings(EXEC)).hasSize(1);
    }
  }
}
