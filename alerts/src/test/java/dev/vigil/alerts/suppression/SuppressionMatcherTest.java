package dev.vigil.alerts.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.SuppressionRule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuppressionMatcherTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final Alert ALERT = new Alert("a1", "K8S_ExecIntoPod", "Exec", "d", Severity.High, List.of(), List.of(),
      AlertStatus.Active, "ws", "prod", "ci/pods/runner", List.of(Entity.of("user", "ci-bot"),
      Entity.of("namespace", "ci"), Entity.of("image", "busybox:1")), List.of(), NOW, NOW, NOW, 1, List.of(), Map.of());

  static SuppressionRule rule(String id, String type, String cluster, Map<String, String> entity, Instant expires) {
    return new SuppressionRule(id, "ws", type, cluster, entity, "benign", expires, "admin:t", NOW);
  }

  @Test
  void everyFieldSetMustMatch() {
    assertThat(SuppressionMatcher.matches(rule("r", "K8S_ExecIntoPod", null, Map.of(), null), ALERT, NOW)).isTrue();
    assertThat(SuppressionMatcher.matches(rule("r", null, "prod", Map.of("user", "ci-bot"), null), ALERT, NOW)).isTrue();
    assertThat(SuppressionMatcher.matches(rule("r", null, null, Map.of("Namespace", "ci", "image", "busybox:1"), null),
        ALERT, NOW)).isTrue();
    assertThat(SuppressionMatcher.matches(rule("r", "K8S_Other", "prod", Map.of(), null), ALERT, NOW)).isFalse();
    assertThat(SuppressionMatcher.matches(rule("r", null, "staging", Map.of(), null), ALERT, NOW)).isFalse();
    assertThat(SuppressionMatcher.matches(rule("r", null, null, Map.of("user", "alice"), null), ALERT, NOW)).isFalse();
    assertThat(SuppressionMatcher.matches(rule("r", null, null, Map.of("workload", "ci"), null), ALERT, NOW)).isFalse();
  }

  @Test
  void aRuleStopsMatchingAtItsExpiry() {
    SuppressionRule r = rule("r", "K8S_ExecIntoPod", null, Map.of(), NOW.plusSeconds(60));
    assertThat(SuppressionMatcher.matches(r, ALERT, NOW.plusSeconds(59))).isTrue();
    assertThat(SuppressionMatcher.matches(r, ALERT, NOW.plusSeconds(60))).isFalse();
  }

  @Test
  void aRuleOfAnotherWorkspaceNeverMatches() {
    SuppressionRule other = new SuppressionRule("r", "ws-2", "K8S_ExecIntoPod", null, Map.of(), null, null, "a", NOW);
    assertThat(SuppressionMatcher.matches(other, ALERT, NOW)).isFalse();
  }

  @Test
  void theMatchingRuleOfLowestIdWinsSoEveryInstanceNamesTheSame() {
    List<SuppressionRule> rules = List.of(rule("sup_b", null, "prod", Map.of(), null),
        rule("sup_c", "K8S_Other", null, Map.of(), null), rule("sup_a", "K8S_ExecIntoPod", null, Map.of(), null));
    assertThat(SuppressionMatcher.firstMatch(rules, ALERT, NOW)).get().extracting(SuppressionRule::id).isEqualTo("sup_a");
  }

  @Test
  void anAlertIsSuppressedOnlyWhileARuleSetItsStatus() {
    Alert dismissed = Suppressions.dismiss(ALERT, rule("sup_a", "K8S_ExecIntoPod", null, Map.of(), null), NOW);
    assertThat(Suppressions.suppressed(dismissed)).isTrue();
    Alert reopened = dismissed.withStatus(new dev.vigil.schemas.AlertHistoryEntry(AlertStatus.Active, null, "admin:t", NOW));
    assertThat(Suppressions.suppressed(reopened)).isFalse();
    assertThat(Suppressions.suppressed(ALERT)).isFalse();
  }
}
