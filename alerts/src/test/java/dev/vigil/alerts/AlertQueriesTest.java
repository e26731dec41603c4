package dev.vigil.alerts;

import static dev.vigil.alerts.TestAlerts.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;

class AlertQueriesTest {
  private static final Instant T = Instant.parse("2024-05-01T12:00:00Z");

  private final Alert oldHigh = alert("ws-a", "prod", Severity.High, AlertStatus.Active, T);
  private final Alert midLow = alert("ws-a", "prod", Severity.Low, AlertStatus.Resolved, T.plusSeconds(60));
  private final Alert newStaging =
      alert("ws-a", "staging", Severity.High, AlertStatus.Active, T.plusSeconds(120));
  private final Alert otherWorkspace =
      alert("ws-b", "prod", Severity.High, AlertStatus.Active, T.plusSeconds(180));
  private final InMemoryAlertStore store =
      new InMemoryAlertStore().put(oldHigh).put(midLow).put(newStaging).put(otherWorkspace);
  private final AlertQueries queries = new AlertQueries(() -> store);

  private static AlertFilter filter(Map<String, List<String>> params) {
    return AlertFilter.fromQuery("ws-a", params);
  }

  @Test
  void listsOnlyTheWorkspaceNewestFirst() {
    assertThat(queries.list(AlertFilter.all("ws-a"))).containsExactly(newStaging, midLow, oldHigh);
    assertThat(queries.list(AlertFilter.all("ws-b"))).containsExactly(otherWorkspace);
    assertThat(queries.list(AlertFilter.all("ws-c"))).isEmpty();
  }

  @Test
  void filtersByClusterSeverityStatusAndType() {
    assertThat(queries.list(filter(Map.of("cluster", List.of("prod"))))).containsExactly(midLow, oldHigh);
    assertThat(queries.list(filter(Map.of("severity", List.of("High")))))
        .containsExactly(newStaging, oldHigh);
    assertThat(queries.list(filter(Map.of("severity", List.of("high"), "cluster", List.of("prod")))))
        .containsExactly(oldHigh);
    assertThat(queries.list(filter(Map.of("status", List.of("Resolved"))))).containsExactly(midLow);
    assertThat(queries.list(filter(Map.of("type", List.of(TestFindings.TYPE))))).hasSize(3);
    assertThat(queries.list(filter(Map.of("type", List.of("K8S_Other"))))).isEmpty();
  }

  @Test
  void sinceIsInclusiveAndUntilExclusiveOnDetectionTime() {
    assertThat(queries.list(filter(Map.of("since", List.of(T.plusSeconds(60).toString())))))
        .containsExactly(newStaging, midLow);
    assertThat(queries.list(filter(Map.of("until", List.of(T.plusSeconds(60).toString())))))
        .containsExactly(oldHigh);
    assertThat(
            queries.list(
                filter(Map.of("since", List.of("2024-05-01T14:00:30+02:00"), "until", List.of("2024-05-01T12:01:30Z")))))
        .containsExactly(midLow);
  }

  @Test
  void limitAndCursorPageThroughEveryAlertOnce() {
    for (int i = 0; i < 7; i++) {
      // same detection time for several alerts: the id breaks the tie
      store.put(alert("ws-a", "bulk-" + i, Severity.Medium, AlertStatus.Active, T.plusSeconds(30 + (i % 2))));
    }
    List<Alert> everything = queries.list(AlertFilter.all("ws-a"));
    assertThat(everything).hasSize(10).isSortedAccordingTo(AlertQueries.NEWEST_FIRST);

    List<Alert> paged = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < 10; page++) {
      Map<String, List<String>> params =
          cursor == null ? Map.of("limit", List.of("3")) : Map.of("limit", List.of("3"), "cursor", List.of(cursor));
      List<Alert> alerts = queries.list(filter(params));
      paged.addAll(alerts);
      if (alerts.size() < 3) {
        break;
      }
      cursor = AlertFilter.cursorAfter(alerts.get(alerts.size() - 1));
    }
    assertThat(paged).containsExactlyElementsOf(everything);
  }

  @Test
  void byIdHidesOtherWorkspaces() {
    assertThat(queries.byId("ws-a", oldHigh.id())).contains(oldHigh);
    assertThat(queries.byId("ws-a", otherWorkspace.id())).isEmpty();
    assertThat(queries.byId("ws-a", "no-such-id")).isEmpty();
  }

  @Test
  void anUnqueryableStoreIsReportedAndFetchedAgainNextTime() {
    AtomicBoolean ready = new AtomicBoolean(false);
    AtomicInteger fetches = new AtomicInteger();
    AlertQueries later =
        new AlertQueries(
            () -> {
              fetches.incrementAndGet();
              if (!ready.get()) {
                throw new InvalidStateStoreException("store is restoring");
              }
              return store;
            });

    assertThatThrownBy(() -> later.list(AlertFilter.all("ws-a")))
        .isInstanceOf(AlertStoreUnavailableException.class)
        .hasMessageContaining("restoring");
    ready.set(true);
    assertThat(later.list(AlertFilter.all("ws-a"))).hasSize(3);
    assertThat(later.byId("ws-a", oldHigh.id())).isPresent();
    assertThat(fetches).hasValue(2);
  }
}
