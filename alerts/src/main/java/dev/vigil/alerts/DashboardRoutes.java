package dev.vigil.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.schemas.ApiError;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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

  /** Adds the dashboard and {@code GET /v1/me} to {@code router}. */
  public static void mount(Router router, CallerResolver callers) {
    router.get(ME_PATH).handler(ctx -> me(ctx, callers));
    router.get("/").handler(ctx -> ctx.reroute("/ui/index.html"));
    router
        .get(ASSETS_PATH)
        .handler(DashboardRoutes::pageHeaders)
        .handler(
            StaticHandler.create(WEB_ROOT)
                .setCachingEnabled(false)
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                .setDefaultContentEncoding("UTF-8"));
  }

  private static void pageHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin");
    ctx.next();
  }

  private static void me(RoutingContext ctx, CallerResolver callers) {
    String token = CallerResolver.bearerToken(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    Optional<Caller> caller = token == null ? Optional.empty() : callers.resolve(token);
    if (caller.isEmpty()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vigil\"");
      send(ctx, 401, new ApiError("unauthorized", "send a reader or admin API token as 'Authorization: Bearer <token>'"));
      return;
    }
    if (caller.get().isCluster()) {
      send(ctx, 403, new ApiError("forbidden", "a cluster ingest token has no dashboard; use a reader or admin API token"));
      return;
    }
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("role", caller.get().role());
    me.put("workspace", caller.get().workspace());
    me.put("tokenId", caller.get().name());
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
