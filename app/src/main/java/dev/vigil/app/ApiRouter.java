package dev.vigil.app;

import dev.vigil.alerts.AlertFeed;
import dev.vigil.alerts.AlertQueries;
import dev.vigil.alerts.AlertStatusSink;
import dev.vigil.alerts.AlertsRoutes;
import dev.vigil.alerts.DashboardRoutes;
import dev.vigil.alerts.LiveStreams;
import dev.vigil.alerts.StreamIds;
import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.edge.SecurityHeaders;
import dev.vigil.ingest.ClusterActivity;
import dev.vigil.ingest.ClusterRoutes;
import dev.vigil.ingest.IngestGateway;
import dev.vigil.ingest.IngestLimits;
import dev.vigil.ingest.IngestRoutes;
import dev.vigil.ingest.TokenRoutes;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Composes the HTTP API of one process from the routes of each module, plus health and metrics. */
final class ApiRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);

  private ApiRouter() {}

  /**
   * What this process runs; the parts of a role it does not run are null. {@code callers} resolves
   * tokens for every route: the registry where the gateway runs, else a read-only identity reader.
   */
  record Parts(
      CallerResolver callers,
      ClusterRegistry registry,
      ClusterActivity activity,
      IngestGateway gateway,
      IngestLimits limits,
      AlertQueries queries,
      AlertStatusSink statusSink,
      AlertFeed feed,
      PrometheusMeterRegistry metrics,
      BooleanSupplier ready,
      ApiLimits api,
      StreamIds streamIds) {}

  /** How old a {@code /metrics} answer may be: scrapers poll every few seconds at most. */
  static final long METRICS_MAX_AGE_MS = 1_000;

  /** What {@code /metrics} tells a request without a valid token when {@code --metrics-token} is on. */
  private static final Authentication.Challenge METRICS_CHALLENGE = Authentication.Challenge.of(
      "/metrics needs an admin token of workspace '" + TokenRoutes.OPERATOR_WORKSPACE + "' (--metrics-token)");

  /** Request failures, logged once per cause and minute at most. */
  private static final ErrorLog ERRORS = new ErrorLog(LOG, Duration.ofMinutes(1));

  /** Mounts every route of {@code parts}; returns the live streams' counters (null without the alerts role). */
  static LiveStreams configure(Router router, Parts parts) {
    LiveStreams streams = null;
    router.route().handler(SecurityHeaders.api());

    router.get("/healthz").handler(ctx -> Answers.send(ctx, 200, "{\"status\":\"UP\"}"));
    router.get("/readyz").handler(ctx -> {
      if (parts.ready().getAsBoolean()) {
        Answers.send(ctx, 200, "{\"status\":\"READY\"}");
      } else {
        ctx.response().putHeader("Retry-After", "5");
        Answers.error(ctx, 503, "not_ready", "Vigil is starting or Kafka is unreachable; retry shortly");
      }
    });
    if (parts.api().metricsPort() < 0) {
      // Rendering runs on a worker thread, never on the event loop, and at most once a second.
      MetricsScrape scrape = new MetricsScrape(parts.metrics()::scrape, METRICS_MAX_AGE_MS);
      Route metrics = router.get("/metrics");
      if (parts.api().metricsToken()) {
        // Metrics count every workspace's clusters and alerts: only the operator's admins read them.
        metrics.handler(Authentication.of(parts.callers(), METRICS_CHALLENGE)).handler(ApiRouter::operatorOnly);
      }
      metrics.handler(scrape::serve);
    }

    // Each role mounts its own routes; a detect-only process serves health and metrics alone.
    if (parts.gateway() != null) {
      SimulateRoute.mount(router, parts.registry(), parts.gateway());
      IngestRoutes.mount(router, parts.registry(), parts.gateway(), parts.limits(), parts.activity());
      ClusterRoutes.mount(router, parts.registry(), parts.registry(), parts.activity(), parts.api().quotas());
      TokenRoutes.mount(router, parts.registry(), parts.registry(), parts.api().quotas());
    }
    if (parts.queries() != null) {
      ApiLimits api = parts.api();
      streams = AlertsRoutes.mount(router, parts.callers(), parts.queries(), parts.statusSink(), parts.feed(),
          new LiveStreams.Settings(api.maxStreamsPerToken(), api.maxStreamsPerWorkspace(), api.streamBufferBytes(),
              parts.streamIds()));
      DashboardRoutes.mount(router, parts.callers());
    }

    router.errorHandler(404, ctx -> Answers.error(ctx, 404, "not_found",
        "no such endpoint: " + ctx.request().path() + "; see the API table in the README"));
    router.errorHandler(405, ctx -> Answers.error(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(400, ctx -> {
      // Without this handler Vert.x logs every undecodable path (/x%ZZ) at ERROR with a stack trace.
      ERRORS.clientError("Refused a malformed request " + ctx.request().method() + " "
          + ErrorLog.oneLine(ctx.request().uri()), ctx.failure());
      Answers.error(ctx, 400, "bad_request", "the request could not be read");
    });
    router.errorHandler(500, ctx -> {
      if (clientCaused(ctx.failure())) {
        // A path like /x%ZZ fails while the router decodes it: the client's fault, not the server's.
        ERRORS.clientError("Refused a malformed request", ctx.failure());
        Answers.error(ctx, 400, "bad_request", "the request line or a header could not be decoded");
        return;
      }
      ERRORS.serverError("A request failed (" + ctx.request().method() + " "
          + ErrorLog.oneLine(ctx.request().path()) + ")", ctx.failure());
      Answers.error(ctx, 500, "internal_error", "Vigil failed to answer this request; the server log says why");
    });
    return streams;
  }

  /** Failures that only a client's malformed input causes (URI and header decoding). */
  static boolean clientCaused(Throwable failure) {
    return failure instanceof IllegalArgumentException
        || failure instanceof io.netty.handler.codec.DecoderException
        || failure instanceof io.vertx.core.json.DecodeException;
  }

  /** With {@code --metrics-token}, {@code /metrics} on the HTTPS port is for admins of the operator's workspace. */
  private static void operatorOnly(RoutingContext ctx) {
    Caller caller = Authentication.caller(ctx);
    if (!caller.isAdmin() || !TokenRoutes.OPERATOR_WORKSPACE.equals(caller.workspace())) {
      Answers.error(ctx, 403, "forbidden", "/metrics needs an admin token of workspace '"
          + TokenRoutes.OPERATOR_WORKSPACE + "'; metrics count every workspace");
      return;
    }
    ctx.next();
  }
}
