package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertFilterTest {

  private static AlertFilter parse(Map<String, List<String>> params) {
    return AlertFilter.fromQuery("ws-a", params);
  }

  private static void assertRejected(Map<String, List<String>> params, String parameter, String... mentions) {
    assertThatThrownBy(() -> parse(params))
        .isInstanceOfSatisfying(
            InvalidFilterException.class, e -> assertThat(e.parameter()).isEqualTo(parameter))
        .hasMessageContaining(parameter)
        .hasMessageContainingAll(mentions);
  }

  @Test
  void noParametersMeansTheWholeWorkspaceUpToTheDefaultLimit() {
    assertThat(parse(Map.of())).isEqualTo(AlertFilter.all("ws-a"));
    assertThat(parse(Map.of()).limit()).isEqualTo(100);
  }

  @Test
  void parsesEveryParameter() {
    AlertFilter f =
        parse(
            Map.of(
                "cluster", List.of("prod"),
                "type", List.of("K8S_TestAlert"),
                "severity", List.of("medium"),
                "status", List.of("InProgress"),
                "since", List.of("2024-05-01T00:00:00Z"),
                "until", List.of("2024-05-02T02:00:00+02:00"),
                "limit", List.of("1000")));
    assertThat(f)
        .isEqualTo(
            new AlertFilter(
                "ws-a", "prod", "K8S_TestAlert", Severity.Medium, null, AlertStatus.InProgress,
                Instant.parse("2024-05-01T00:00:00Z"), Instant.parse("2024-05-02T00:00:00Z"), null, 1000,
                null));
  }

  @Test
  void minimumSeverityKeepsThatSeverityAndAbove() {
    AlertFilter f = AlertFilter.fromQuery("ws-a", Map.of("minSeverity", List.of("medium")));
    Instant t = Instant.parse("2024-05-01T12:00:00Z");
    assertThat(f.matches(TestAlerts.alert("ws-a", "c", Severity.Low, AlertStatus.Active, t))).isFalse();
    assertThat(f.matches(TestAlerts.alert("ws-a", "c", Severity.Medium, AlertStatus.Active, t))).isTrue();
    assertThat(f.matches(TestAlerts.alert("ws-a", "c", Severity.High, AlertStatus.Active, t))).isTrue();
  }

  @Test
  void textSearchLooksAtDescriptionAndEntitiesIgnoringCase() {
    Instant t = Instant.parse("2024-05-01T12:00:00Z");
    var alert = TestAlerts.alert("ws-a", "c", Severity.Low, AlertStatus.Active, t);
    String entityName = alert.entities().get(alert.entities().size() - 1).name();
    String descriptionWord = alert.description().split(" ")[0];
    assertThat(AlertFilter.fromQuery("ws-a", Map.of("q", List.of(entityName.toUpperCase(Locale.ROOT))))
        .matches(alert)).isTrue();
    assertThat(AlertFilter.fromQuery("ws-a", Map.of("q", List.of(descriptionWord.toLowerCase(Locale.ROOT))))
        .matches(alert)).isTrue();
    assertThat(AlertFilter.fromQuery("ws-a", Map.of("q", List.of("no-such-thing-anywhere"))).matches(alert))
        .isFalse();
    assertRejected(Map.of("q", List.of("x".repeat(201))), "q", "200");
  }

  @Test
  void theStreamRefusesPagingParameters() {
    assertThatThrownBy(() -> AlertFilter.fromStreamQuery("ws-a", Map.of("limit", List.of("5"))))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageContaining("unknown query parameter 'limit'");
  }

  @Test
  void rejectsBadValuesNamingTheParameterAndWhatIsAllowed() {
    assertRejected(Map.of("severity", List.of("Critical")), "severity", "Informational, Low, Medium, High");
    assertRejected(Map.of("status", List.of("Open")), "status", "Active, InProgress, Resolved, Dismissed");
    assertRejected(Map.of("since", List.of("yesterday")), "since", "ISO-8601");
    assertRejected(Map.of("until", List.of("2024-05-01")), "until", "ISO-8601");
    assertRejected(Map.of("limit", List.of("0")), "limit", "1 to 1000");
    assertRejected(Map.of("limit", List.of("1001")), "limit", "1 to 1000");
    assertRejected(Map.of("limit", List.of("ten")), "limit", "1 to 1000");
    assertRejected(Map.of("cluster", List.of("")), "cluster", "empty");
    assertRejected(Map.of("cursor", List.of("not-a-cursor")), "cursor", "nextCursor");
    assertRejected(Map.of("severty", List.of("High")), "severty", "severity");
    assertRejected(Map.of("cluster", List.of("a", "b")), "cluster", "once");
    assertRejected(
        Map.of("since", List.of("2024-05-02T00:00:00Z"), "until", List.of("2024-05-01T00:00:00Z")),
        "until",
        "after");
  }

  @Test
  void theWorkspaceCannotComeFromTheQuery() {
    assertRejected(Map.of("workspace", List.of("ws-b")), "workspace", "allowed");
  }
}
