package dev.vigil.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.edge.SecurityHeaders;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web dashboard, served from this module's class path ({@code dev/vigil/alerts/web}): {@code GET
 * /} (the page), {@code GET /ui/*} (its module script, style sheet and icon), and {@code GET /v1/me}
 * (the role and workspace of the caller's token, so the page shows admin actions only to admins; the
 * API enforces them regardless).
 *
 * <p>Every dashboard response carries a strict Content-Security-Policy: scripts, styles and fetches
 * from this origin only, no inline script or style, no framing.
 */
public final class DashboardRoutes {
  public static final String ME_PATH = "/v1/me";
  static final String ASSETS_PATH = "/ui/*";
  static final String WEB_ROOT = "dev/vigil/alerts/web";

  /** The Content-Security-Policy of the dashboard. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
          + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private DashboardRoutes() {}

  /** What {@code GET /v1/me} tells a request without a valid token. */
  static final Authentication.Challenge CHALLENGE =
      Authentication.Challenge.of("send a reader or admin API token as 'Authorization: Bearer <token>'");

  /** Adds the dashboard and {@code GET /v1/me} to {@code router}. */
  public static void mount(Router router, CallerResolver callers) {
    router.get(ME_PATH).handler(Authentication.of(callers, CHALLENGE)).handler(DashboardRoutes::me);
    router.get("/").handler(ctx -> ctx.reroute("/ui/index.html"));
    // Before the page's assets, so /ui/vendor/uplot/* is not looked up in the page's folder.
    dev.vigil.alerts.overview.ChartAssets.mount(router);
    router
        .get(ASSETS_PATH)
        .handler(SecurityHeaders.page(CONTENT_SECURITY_POLICY))
        .handler(
            StaticHandler.create(WEB_ROOT)
                .setCachingEnabled(false)
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                .setDefaultContentEncoding("UTF-8"));
  }

  private static void me(RoutingContext ctx) {
    Caller caller = Authentication.caller(ctx);
    if (caller.isCluster()) {
      Answers.error(ctx, 403, "forbidden", "a cluster ingest token has no dashboard; use a reader or admin API token");
      return;
    }
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("role", caller.role());
    me.put("workspace", caller.workspace());
    me.put("tokenId", caller.name());
    send(ctx, 200, me);
  }

  private static void send(RoutingContext ctx, int status, Object body) {
    try {
      ctx.response()
          .setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(Json.mapper().writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + body.getClass().getSimpleName(), e);
    }
  }
}
