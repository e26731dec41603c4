package dev.vigil.alerts.incidents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.AlertQueries;
import dev.vigil.alerts.AlertStatusSink;
import dev.vigil.alerts.AlertsRoutes;
import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.AlertStatusChange;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Incident;
import dev.vigil.schemas.IncidentSeverity;
import dev.vigil.schemas.IncidentStatusChange;
import dev.vigil.schemas.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The incidents API.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>method and path</th><th>who</th><th>answer</th></tr>
 *   <tr><td>{@code GET /v1/incidents}</td><td>reader, admin</td>
 *       <td>{@code {"incidents":[...],"count":N}}, latest activity first; filters {@code status},
 *       {@code cluster}, {@code minSeverity}, {@code alert} (an alert id: the incident holding it),
 *       {@code limit}</td></tr>
 *   <tr><td>{@code GET /v1/incidents/{id}}</td><td>reader, admin</td>
 *       <td>the incident, or 404 when unknown or of another workspace</td></tr>
 *   <tr><td>{@code PATCH /v1/incidents/{id}}</td><td>admin</td>
 *       <td>{@code {"status","comment","resolveAlerts"}}: recorded in {@code vigil.incident-status.v1};
 *       with {@code resolveAlerts} a closing status is also written to each member alert, exactly as
 *       {@code PATCH /v1/alerts/{id}} does. 200 with the incident once the store shows the change,
 *       else 202 with the change</td></tr>
 * </table>
 */
public final class IncidentRoutes {
  public static final String LIST_PATH = "/v1/incidents";
  public static final String ONE_PATH = "/v1/incidents/:id";

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final long MAX_PATCH_BYTES = 16 * 1024;
  static final Duration APPLY_WAIT = Duration.ofSeconds(5);
  private static final Set<String> LIST_PARAMS = Set.of("status", "cluster", "minSeverity", "alert", "limit");
  private static final String NOT_FOUND = "no incident with this id in your workspace";

  private final Authentication authentication;
  private final IncidentQueries incidents;
  private final AlertQueries alerts;
  private final IncidentStatusSink incidentSink;
  private final AlertStatusSink alertSink;

  private IncidentRoutes(CallerResolver callers, IncidentQueries incidents, AlertQueries alerts,
      IncidentStatusSink incidentSink, AlertStatusSink alertSink) {
    this.authentication = Authentication.of(callers, Authentication.Challenge.of(
        "send an API token as 'Authorization: Bearer <token>'"));
    this.incidents = Objects.requireNonNull(incidents, "incidents");
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.incidentSink = Objects.requireNonNull(incidentSink, "incidentSink");
    this.alertSink = Objects.requireNonNull(alertSink, "alertSink");
  }

  /** Adds the incidents API to {@code router}. */
  public static void mount(Router router, CallerResolver callers, IncidentQueries incidents,
      AlertQueries alerts, IncidentStatusSink incidentSink, AlertStatusSink alertSink) {
    IncidentRoutes routes = new IncidentRoutes(callers, incidents, alerts, incidentSink, alertSink);
    router.get(LIST_PATH).handler(routes.authentication).handler(routes::list);
    router.get(ONE_PATH).handler(routes.authentication).handler(routes::one);
    router.patch(ONE_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_PATCH_BYTES))
        .handler(routes.authentication)
        .handler(routes::patch)
        .failureHandler(ctx -> Answers.error(ctx, ctx.statusCode() == 413 ? 413 : 400,
            ctx.statusCode() == 413 ? "payload_too_large" : "bad_request",
            "a status change is a JSON object of at most " + MAX_PATCH_BYTES + " bytes"));
    router.route(LIST_PATH).last().handler(ctx -> AlertsRoutes.methodNotAllowed(ctx, router, LIST_PATH));
    router.route(ONE_PATH).last().handler(ctx -> AlertsRoutes.methodNotAllowed(ctx, router, ONE_PATH));
  }

  /** The body of {@code PATCH /v1/incidents/{id}}. */
  private record Patch(AlertStatus status, String comment, boolean resolveAlerts) {}

  /** The body of {@code GET /v1/incidents}. */
  record IncidentList(List<Incident> incidents, int count) {}

  private void list(RoutingContext ctx) {
    Caller caller = AlertsRoutes.authorize(ctx);
    if (caller == null) {
      return;
    }
    Predicate<Incident> filter;
    int limit;
    try {
      Map<String, List<String>> params = AlertsRoutes.queryParams(ctx);
      for (Map.Entry<String, List<String>> p : params.entrySet()) {
        if (!LIST_PARAMS.contains(p.getKey()) || p.getValue().size() != 1) {
          throw new IllegalArgumentException("parameter '" + p.getKey()
              + "' is unknown or repeated; allowed once each: " + String.join(", ", LIST_PARAMS));
        }
      }
      AlertStatus status = params.containsKey("status")
          ? AlertsRoutes.statusOf(Json.mapper().getNodeFactory().textNode(params.get("status").get(0)))
          : null;
      String cluster = params.containsKey("cluster") ? params.get("cluster").get(0) : null;
      String alert = params.containsKey("alert") ? params.get("alert").get(0) : null;
      IncidentSeverity min = params.containsKey("minSeverity") ? severity(params.get("minSeverity").get(0)) : null;
      limit = params.containsKey("limit") ? limit(params.get("limit").get(0)) : DEFAULT_LIMIT;
      filter = i -> (status == null || status == i.status())
          && (cluster == null || cluster.equals(i.cluster()))
          && (alert == null || i.alerts().stream().anyMatch(m -> m.id().equals(alert)))
          && (min == null || (i.severity() != null && i.severity().compareTo(min) >= 0));
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, "bad_request", e.getMessage());
      return;
    }
    OffLoop.answer(ctx, () -> {
      List<Incident> page = incidents.list(caller.workspace(), filter, limit);
      return Optional.of(new IncidentList(page, page.size()));
    }, NOT_FOUND);
  }

  private static IncidentSeverity severity(String value) {
    for (IncidentSeverity s : IncidentSeverity.values()) {
      if (s.name().toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("minSeverity '" + value
        + "' is unknown; allowed: Informational, Low, Medium, High, Critical");
  }

  private static int limit(String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT);
  }

  private void one(RoutingContext ctx) {
    Caller caller = AlertsRoutes.authorize(ctx);
    if (caller != null) {
      String id = ctx.pathParam("id");
      OffLoop.answer(ctx, () -> incidents.byId(caller.workspace(), id), NOT_FOUND);
    }
  }

  private void patch(RoutingContext ctx) {
    Caller caller = AlertsRoutes.authorizeAdmin(ctx, "an incident's");
    if (caller == null) {
      return;
    }
    Patch parsed = AlertsRoutes.objectBody(ctx, Set.of("status", "comment", "resolveAlerts"),
        "{\"status\":\"Active|InProgress|Resolved|Dismissed\",\"comment\":\"...\",\"resolveAlerts\":true}",
        "an incident status change has \"status\", \"comment\" and \"resolveAlerts\"",
        body -> {
          JsonNode resolve = body.get("resolveAlerts");
          if (resolve != null && !resolve.isBoolean()) {
            throw new IllegalArgumentException("\"resolveAlerts\" must be true or false");
          }
          return new Patch(AlertsRoutes.statusOf(body.get("status")), AlertsRoutes.commentOf(body.get("comment")),
              resolve != null && resolve.booleanValue());
        });
    if (parsed == null) {
      return;
    }
    AlertStatus status = parsed.status();
    String comment = parsed.comment();
    boolean resolveAlerts = parsed.resolveAlerts();
    String id = ctx.pathParam("id");
    String changedBy = caller.role() + ":" + caller.name();
    ctx.vertx()
        .executeBlocking(() -> apply(caller.workspace(), id, status, comment, resolveAlerts, changedBy), false)
        .onComplete(result -> {
          if (result.failed()) {
            OffLoop.fail(ctx, result.cause());
          } else if (result.result() == null) {
            Answers.error(ctx, 404, "not_found", NOT_FOUND);
          } else {
            Answers.json(ctx, result.result() instanceof Incident ? 200 : 202, result.result());
          }
        });
  }

  /** The incident once the store shows the change, the change after {@link #APPLY_WAIT}, or null. */
  private Object apply(String workspace, String id, AlertStatus status, String comment,
      boolean resolveAlerts, String changedBy) throws InterruptedException {
    Optional<Incident> found = incidents.byId(workspace, id);
    if (found.isEmpty()) {
      return null;
    }
    Incident incident = found.get();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    IncidentStatusChange change = new IncidentStatusChange(incident.id(),
        ClusterKeys.of(incident.workspace(), incident.cluster()), workspace, status, comment, changedBy, now);
    incidentSink.record(change);
    if (resolveAlerts && (status == AlertStatus.Resolved || status == AlertStatus.Dismissed)) {
      String note = "closed with incident " + incident.id() + (comment == null ? "" : ": " + comment);
      for (Incident.Member member : incident.alerts()) {
        Optional<Alert> alert = alerts.byId(workspace, member.id());
        if (alert.isPresent() && alert.get().status() != status) {
          Alert a = alert.get();
          alertSink.record(new AlertStatusChange(a.id(),
              Fingerprints.alertFingerprint(a.workspace(), a.cluster(), a.alertType(), a.compromisedEntity()),
              a.workspace(), status, note, changedBy, now));
        }
      }
    }
    long deadline = System.nanoTime() + APPLY_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Incident> current = incidents.byId(workspace, id);
      if (current.isPresent() && current.get().history().contains(change.toHistoryEntry())) {
        return current.get();
      }
      Thread.sleep(50);
    }
    return change;
  }
}
