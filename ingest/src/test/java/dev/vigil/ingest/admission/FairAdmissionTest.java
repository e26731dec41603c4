package dev.vigil.ingest.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FairAdmissionTest {

  private static final long SECOND = 1_000_000_000L;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FairAdmission admission =
      new FairAdmission(new AdmissionSettings(Duration.ofSeconds(2), 500), registry);
  private long now = SECOND;

  /** One second: the flooder sends batches of 400 as fast as it is admitted, the quiet one 100. */
  private void second(int flooderBatches) {
    for (int i = 0; i < flooderBatches; i++) {
      if (admission.admit("default/flood", now) == 0) {
        admission.accepted("default/flood", 400, now);
      }
      now += SECOND / flooderBatches;
    }
    if (admission.admit("default/quiet", now) == 0) {
      admission.accepted("default/quiet", 100, now);
    }
  }

  @Test
  void everyoneIsAdmittedWhileDetectionKeepsUp() {
    admission.update(new Backlog(1_000, 10_000, true), now); // 0.1 s of work
    second(100);
    assertThat(admission.throttling()).isFalse();
    assertThat(admission.admit("default/flood", now)).isZero();
    assertThat(registry.counter("vigil.ingest.cluster.events", "cluster", "default/flood").count())
        .isEqualTo(40_000);
  }

  @Test
  void whenDetectionFallsBehindOnlyTheClusterOverItsShareIsRefused() {
    second(100);
    admission.update(new Backlog(50_000, 10_000, true), now); // 5 s of work: behind
    assertThat(admission.throttling()).isTrue();
    // 80% of detection's pace is shared: the quiet cluster keeps what it sends (at least the
    // minimum), the flooder gets the rest.
    assertThat(admission.allowance("default/quiet")).isEqualTo(500);
    assertThat(admission.allowance("default/flood")).isBetween(7_500.0, 8_000.0);

    int quietRefused = 0;
    long floodAdmitted = 0;
    for (int s = 0; s < 5; s++) {
      for (int i = 0; i < 100; i++) {
        if (admission.admit("default/flood", now) == 0) {
          admission.accepted("default/flood", 400, now);
          floodAdmitted += 400;
        }
        now += SECOND / 100;
      }
      if (admission.admit("default/quiet", now) == 0) {
        admission.accepted("default/quiet", 100, now);
      } else {
        quietRefused++;
      }
      admission.update(new Backlog(30_000, 10_000, true), now); // still behind (3 s)
    }
    assertThat(quietRefused).isZero();
    assertThat(floodAdmitted / 5).as("flooder's events per second").isBetween(6_000L, 10_000L);
    assertThat(registry.counter("vigil.ingest.cluster.throttled", "cluster", "default/flood").count())
        .isPositive();
    assertThat(admission.admit("default/flood", now)).as("Retry-After seconds").isBetween(1L, 2L);
  }

  @Test
  void admissionIsLiftedOnlyWhenTheBacklogIsUnderHalfTheBound() {
    admission.update(new Backlog(50_000, 10_000, true), now);
    assertThat(admission.throttling()).isTrue();
    admission.update(new Backlog(15_000, 10_000, true), now + SECOND); // 1.5 s: between
    assertThat(admission.throttling()).isTrue();
    admission.update(new Backlog(9_000, 10_000, true), now + 2 * SECOND); // 0.9 s
    assertThat(admission.throttling()).isFalse();
  }

  @Test
  void aStalledDetectionLeavesEveryClusterItsMinimum() {
    second(100);
    admission.update(new Backlog(1_000, 0, true), now);
    assertThat(admission.throttling()).isTrue();
    assertThat(admission.allowance("default/flood")).isEqualTo(500);
    assertThat(admission.allowance("default/quiet")).isEqualTo(500);
  }

  @Test
  void nothingIsRefusedBeforeDetectionsOffsetsAreKnownOrWhenSwitchedOff() {
    admission.update(Backlog.UNKNOWN, now);
    assertThat(admission.throttling()).isFalse();
    FairAdmission off = new FairAdmission(new AdmissionSettings(Duration.ZERO, 500),
        new SimpleMeterRegistry());
    off.update(new Backlog(1_000_000, 10, true), now);
    assertThat(off.throttling()).isFalse();
    assertThat(off.admit("default/flood", now)).isZero();
  }

  @Test
  void backfillIsDeferredFirstAndNeverCostsLiveTrafficItsAdmission() {
    admission.update(new Backlog(1_000, 10_000, true), now); // 0.1 s of work: all admitted
    assertThat(admission.admitBackfill("default/history")).isZero();

    // 0.8 s of work: more than a quarter of the 2 s bound, so backfill waits; live is admitted.
    admission.update(new Backlog(8_000, 10_000, true), now);
    assertThat(admission.admitBackfill("default/history")).as("Retry-After seconds").isBetween(1L, 30L);
    assertThat(admission.throttling()).isFalse();
    assertThat(admission.admit("default/history", now)).as("the same cluster's live events").isZero();
    assertThat(admission.admit("default/quiet", now)).isZero();

    // Behind (5 s): backfill still deferred; live traffic only loses what exceeds its fair share.
    second(100);
    admission.update(new Backlog(50_000, 10_000, true), now);
    assertThat(admission.admitBackfill("default/history")).isPositive();
    assertThat(admission.admit("default/quiet", now)).isZero();

    // Drained: history goes on.
    admission.update(new Backlog(2_000, 10_000, true), now + SECOND);
    assertThat(admission.admitBackfill("default/history")).isZero();
    assertThat(registry.counter("vigil.ingest.backfill.throttled").count()).isEqualTo(2);
  }

  @Test
  void backfillIsAdmittedBeforeTheBacklogIsKnownOrWithAdmissionOff() {
    admission.update(Backlog.UNKNOWN, now);
    assertThat(admission.admitBackfill("default/history")).isZero();
    FairAdmission off = new FairAdmission(new AdmissionSettings(Duration.ZERO, 500),
        new SimpleMeterRegistry());
    off.update(new Backlog(1_000_000, 10, true), now);
    assertThat(off.admitBackfill("default/history")).isZero();
  }
}
