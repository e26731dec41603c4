package dev.vigil.app;

import dev.vigil.alerts.AlertFeed;
import dev.vigil.alerts.AlertQueries;
import dev.vigil.alerts.AlertStatusSink;
import dev.vigil.alerts.AlertsRoutes;
import dev.vigil.alerts.DashboardRoutes;
import dev.vigil.ingest.ClusterActivity;
import dev.vigil.ingest.ClusterRegistry;
import dev.vigil.ingest.ClusterRoutes;
import dev.vigil.ingest.IngestGateway;
import dev.vigil.ingest.IngestLimits;
import dev.vigil.ingest.IngestRoutes;
import dev.vigil.ingest.TokenRoutes;
import dev.vigil.schemas.ApiError;
import dev.vigil.schemas.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Composes the HTTP API of one process from the routes of each module, plus health and metrics. */
final class ApiRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);

  private ApiRouter() {}

  /** What this process runs; the parts of a role it does not run are null. */
  record Parts(
      ClusterRegistry registry,
      ClusterActivity activity,
      IngestGateway gateway,
      IngestLimits limits,
      AlertQueries queries,
      AlertStatusSink statusSink,
      AlertFeed feed,
      PrometheusMeterRegistry metrics,
      BooleanSupplier ready) {}

  /** How old a {@code /metrics} answer may be: scrapers poll every few seconds at most. */
  static final long METRICS_MAX_AGE_MS = 1_000;

  static void configure(Router router, Parts parts) {
    router.route().handler(ApiRouter::securityHeaders);

    router.get("/healthz").handler(ctx -> json(ctx, 200, "{\"status\":\"UP\"}"));
    router.get("/readyz").handler(ctx -> {
      if (parts.ready().getAsBoolean()) {
        json(ctx, 200, "{\"status\":\"READY\"}");
      } else {
        ctx.response().putHeader("Retry-After", "5");
        error(ctx, 503, "not_ready", "Vigil is starting or Kafka is unreachable; retry shortly");
      }
    });
    // Rendering runs on a worker thread, never on the event loop, and at most once a second.
    MetricsScrape scrape = new MetricsScrape(parts.metrics()::scrape, METRICS_MAX_AGE_MS);
    router.get("/metrics").handler(ctx -> ctx.vertx().executeBlocking(scrape::text, false)
        .onSuccess(text -> ctx.response()
            .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            .end(text))
        .onFailure(ctx::fail));

    // Each role mounts its own routes; a detect-only process serves health and metrics alone.
    if (parts.gateway() != null) {
      SimulateRoute.mount(router, parts.registry(), parts.gateway());
      IngestRoutes.mount(router, parts.registry(), parts.gateway(), parts.limits(), parts.activity());
      ClusterRoutes.mount(router, parts.registry(), parts.registry(), parts.activity());
      TokenRoutes.mount(router, parts.registry(), parts.registry());
    }
    if (parts.queries() != null) {
      AlertsRoutes.mount(router, parts.registry(), parts.queries(), parts.statusSink(), parts.feed());
      DashboardRoutes.mount(router, parts.registry());
    }

    router.errorHandler(404, ctx -> error(ctx, 404, "not_found",
        "no such endpoint: " + ctx.request().path() + "; see the API table in the README"));
    router.errorHandler(405, ctx -> error(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(500, ctx -> {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      error(ctx, 500, "internal_error", "Vigil failed to answer this request; the server log says why");
    });
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Strict-Transport-Security", "max-age=31536000")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        // API answers are data, never documents; the dashboard's routes replace this policy.
        .putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    ctx.next();
  }

  static void json(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  static void error(RoutingContext ctx, int status, String code, String message) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    try {
      response.setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(Json.mapper().writeValueAsString(new ApiError(code, message)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      response.setStatusCode(500).end();
    }
  }
}
