package dev.vigil.alerts.overview;

import dev.vigil.alerts.AlertQueries;
import dev.vigil.alerts.AlertsRoutes;
import dev.vigil.alerts.incidents.IncidentQueries;
import dev.vigil.alerts.incidents.OffLoop;
import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/overview?since=...} (reader, admin): the {@link Overview} of the caller's workspace,
 * computed from the queryable alert and incident stores on a worker thread. {@code since} is an
 * ISO-8601 timestamp with offset or a duration back from now ({@code PT6H}, {@code P7D}); default
 * {@link #DEFAULT_PERIOD}, at most {@link #MAX_PERIOD}.
 */
public final class OverviewRoutes {
  public static final String PATH = "/v1/overview";
  static final Duration DEFAULT_PERIOD = Duration.ofHours(24);
  static final Duration MAX_PERIOD = Duration.ofDays(90);

  private final AlertQueries alerts;
  private final IncidentQueries incidents;
  private final Map<String, Set<String>> coverage;
  private final ClusterHealthSource clusters;
  private final Clock clock;

  private OverviewRoutes(AlertQueries alerts, IncidentQueries incidents, Map<String, Set<String>> coverage,
      ClusterHealthSource clusters, Clock clock) {
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.incidents = Objects.requireNonNull(incidents, "incidents");
    this.coverage = Map.copyOf(coverage);
    this.clusters = Objects.requireNonNull(clusters, "clusters");
    this.clock = clock;
  }

  /**
   * Adds {@code GET /v1/overview}.
   *
   * @param coverage tactic name → technique ids the detector catalogue covers
   */
  public static void mount(Router router, CallerResolver callers, AlertQueries alerts, IncidentQueries incidents,
      Map<String, Set<String>> coverage, ClusterHealthSource clusters, Clock clock) {
    OverviewRoutes routes = new OverviewRoutes(alerts, incidents, coverage, clusters, clock);
    router.get(PATH)
        .handler(Authentication.of(callers, Authentication.Challenge.of(
            "send an API token as 'Authorization: Bearer <token>'")))
        .handler(routes::overview);
    router.route(PATH).last().handler(ctx -> AlertsRoutes.methodNotAllowed(ctx, router, PATH));
  }

  private void overview(RoutingContext ctx) {
    Caller caller = AlertsRoutes.authorize(ctx);
    if (caller == null) {
      return;
    }
    Instant until = clock.instant();
    Instant since;
    try {
      Map<String, List<String>> params = AlertsRoutes.queryParams(ctx);
      if (!Set.of("since").containsAll(params.keySet()) || params.values().stream().anyMatch(v -> v.size() != 1)) {
        throw new IllegalArgumentException("the overview takes one parameter, since, at most once");
      }
      since = params.containsKey("since") ? since(params.get("since").get(0), until) : until.minus(DEFAULT_PERIOD);
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, "bad_request", e.getMessage());
      return;
    }
    OffLoop.answer(ctx, () -> {
      OverviewFigures figures = new OverviewFigures(since, until, coverage);
      alerts.forEach(caller.workspace(), figures::add);
      incidents.forEach(caller.workspace(), figures::add);
      return Optional.of(figures.build(caller.workspace(), clusters.clusters(caller.workspace())));
    }, "no overview");
  }

  static Instant since(String value, Instant until) {
    Instant since;
    try {
      since = value.startsWith("P") ? until.minus(Duration.parse(value)) : OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("since must be an ISO-8601 timestamp with offset"
          + " (2024-05-01T00:00:00Z) or a duration back from now (PT6H, P7D), was '" + value + "'");
    }
    if (!since.isBefore(until) || Duration.between(since, until).compareTo(MAX_PERIOD) > 0) {
      throw new IllegalArgumentException("since must be in the past and at most " + MAX_PERIOD.toDays()
          + " days ago");
    }
    return since;
  }
}
