package dev.vigil.alerts.overview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OverviewFiguresTest {
  private static final Instant NOW = Instant.parse("2024-05-02T12:00:00Z");

  private static Alert alert(String id, String cluster, String type, Severity severity, AlertStatus status,
      Instant detected, List<String> tactics, List<String> techniques) {
    return new Alert(id, type, type + " name", "", severity, tactics, techniques, status, "ws", cluster, "e",
        List.of(Entity.of("user", "u")), List.of(), detected, detected, detected, 1, List.of(), Map.of());
  }

  @Test
  void bucketsAreTheSmallestWidthGivingAtMostSixtyOfThem() {
    assertThat(new OverviewFigures(NOW.minus(Duration.ofHours(1)), NOW, Map.of()).build("ws", List.of())
        .bucketSeconds()).isEqualTo(60);
    assertThat(new OverviewFigures(NOW.minus(Duration.ofHours(24)), NOW, Map.of()).build("ws", List.of())
        .alertsOverTime()).hasSize(24);
    assertThat(new OverviewFigures(NOW.minus(Duration.ofDays(30)), NOW, Map.of()).build("ws", List.of())
        .bucketSeconds()).isEqualTo(86_400);
  }

  @Test
  void periodFiguresCountThePeriodAndOpenAlertsCountWheneverRaised() {
    OverviewFigures figures = new OverviewFigures(NOW.minus(Duration.ofHours(1)), NOW,
        Map.of("Execution", Set.of("T1609"), "Impact", Set.of("T1496")));
    figures.add(alert("a", "prod", "X", Severity.High, AlertStatus.Active, NOW.minusSeconds(30),
        List.of("Execution", "Persistence"), List.of("T1609", "T1610")));
    figures.add(alert("b", "prod", "X", Severity.Low, AlertStatus.Resolved, NOW.minusSeconds(3500),
        List.of("Execution"), List.of("T1609")));
    figures.add(alert("c", "dev", "Y", Severity.Medium, AlertStatus.InProgress, NOW.minus(Duration.ofDays(2)),
        List.of("Impact"), List.of("T1496")));

    Overview o = figures.build("ws", List.of());

    assertThat(o.alerts().total()).isEqualTo(2);
    assertThat(o.alerts().open()).isEqualTo(1);
    assertThat(o.alerts().bySeverity()).containsEntry("High", 1L).containsEntry("Low", 1L).containsEntry("Medium", 0L);
    assertThat(o.alertsOverTime().get(1).bySeverity()).containsEntry("Low", 1L);
    assertThat(o.alertsOverTime().get(59).bySeverity()).containsEntry("High", 1L);
    assertThat(o.topAlertTypes()).extracting(Overview.TypeCount::alertType, Overview.TypeCount::count)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("X", 2L));
    assertThat(o.clustersByOpenAlerts()).containsExactly(
        new Overview.ClusterCount("dev", 1, 0), new Overview.ClusterCount("prod", 1, 1));
    assertThat(o.attackMatrix()).extracting(Overview.Tactic::tactic)
        .containsExactly("Execution", "Persistence", "Impact");
    assertThat(o.attackMatrix().get(0).techniques()).containsExactly(
        new Overview.Technique("T1609", 2, true), new Overview.Technique("T1610", 1, false));
    assertThat(o.attackMatrix().get(2).techniques()).containsExactly(new Overview.Technique("T1496", 0, true));
  }
}
