package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClusterActivityTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void pendingUntilTheFirstAcceptedEventThenHealthyThenUnhealthyWhenSilent() {
    Clock[] now = {Clock.fixed(T0, ZoneOffset.UTC)};
    ClusterActivity activity = new ClusterActivity(Duration.ofMinutes(15), new DelegatingClock(now));

    assertThat(activity.installState("default", "prod")).isEqualTo(InstallState.Pending);
    activity.record("default", "prod", 0, 2, T0.toEpochMilli());
    assertThat(activity.installState("default", "prod")).isEqualTo(InstallState.Pending);

    activity.record("default", "prod", 3, 1, T0.toEpochMilli());
    assertThat(activity.installState("default", "prod")).isEqualTo(InstallState.Healthy);
    assertThat(activity.snapshot("default", "prod"))
        .isEqualTo(new ClusterActivity.Snapshot(T0, 3, 3, 3));

    now[0] = Clock.fixed(T0.plus(Duration.ofMinutes(15)), ZoneOffset.UTC);
    assertThat(activity.installState("default", "prod")).isEqualTo(InstallState.Healthy);
    now[0] = Clock.fixed(T0.plus(Duration.ofMinutes(16)), ZoneOffset.UTC);
    assertThat(activity.installState("default", "prod")).isEqualTo(InstallState.Unhealthy);

    activity.forget("default", "prod");
    assertThat(activity.installState("default", "prod")).isEqualTo(InstallState.Pending);
  }

  @Test
  void lastEventTimeNeverGoesBackwards() {
    ClusterActivity activity = new ClusterActivity();
    activity.record("default", "c", 1, 0, 2_000);
    activity.record("default", "c", 1, 0, 1_000);

    assertThat(activity.snapshot("default", "c").lastEventTime()).isEqualTo(Instant.ofEpochMilli(2_000));
    assertThat(activity.snapshot("default", "c").eventsReceived()).isEqualTo(2);
  }

  @Test
  void eventsPerMinuteCountsOnlyTheLastMinute() {
    Clock[] now = {Clock.fixed(T0, ZoneOffset.UTC)};
    ClusterActivity activity = new ClusterActivity(Duration.ofMinutes(15), new DelegatingClock(now));
    activity.record("default", "c", 5, 0, T0.toEpochMilli());
    activity.record("default", "c", 7, 1, T0.plusSeconds(30).toEpochMilli());

    now[0] = Clock.fixed(T0.plusSeconds(40), ZoneOffset.UTC);
    assertThat(activity.snapshot("default", "c").eventsPerMinute()).isEqualTo(12);

    now[0] = Clock.fixed(T0.plusSeconds(75), ZoneOffset.UTC);
    assertThat(activity.snapshot("default", "c").eventsPerMinute()).isEqualTo(7);

    activity.record("default", "c", 2, 0, T0.plusSeconds(125).toEpochMilli());
    now[0] = Clock.fixed(T0.plusSeconds(125), ZoneOffset.UTC);
    assertThat(activity.snapshot("default", "c").eventsPerMinute()).isEqualTo(2);
    assertThat(activity.snapshot("default", "c").eventsReceived()).isEqualTo(14);
    assertThat(activity.snapshot("default", "c").eventsRejected()).isEqualTo(1);
  }

  private static final class DelegatingClock extends Clock {
    private final Clock[] current;

    DelegatingClock(Clock[] current) {
      this.current = current;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return current[0].instant();
    }
  }
}
