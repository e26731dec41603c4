package dev.vigil.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.ApiError;
import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the alerts HTTP API.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>method and path</th><th>who</th><th>answer</th></tr>
 *   <tr><td>{@code GET /v1/alerts}</td><td>reader, admin</td>
 *       <td>{@code {"alerts":[...],"count":N,"nextCursor":"..."}} filtered by {@link AlertFilter}</td></tr>
 *   <tr><td>{@code GET /v1/alerts/{id}}</td><td>reader, admin</td>
 *       <td>the alert, or 404 when it does not exist or belongs to another workspace</td></tr>
 * </table>
 *
 * <p>Errors are {@link ApiError} JSON: 400 bad filter, 401 missing or unknown token (with {@code
 * WWW-Authenticate: Bearer}), 403 cluster token, 404, 405 (with {@code Allow}), 503 store not ready
 * (with {@code Retry-After}). Store access runs on a worker thread, never on the event loop.
 */
public final class AlertsRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsRoutes.class);

  public static final String LIST_PATH = "/v1/alerts";
  public static final String ONE_PATH = "/v1/alerts/:id";

  /** Seconds a client should wait before retrying when the store is not queryable. */
  static final String RETRY_AFTER_SECONDS = "1";

  private static final String JSON = "application/json; charset=utf-8";
  private static final String WWW_AUTHENTICATE = "WWW-Authenticate";

  private final CallerResolver callers;
  private final AlertQueries queries;

  private AlertsRoutes(CallerResolver callers, AlertQueries queries) {
    this.callers = Objects.requireNonNull(callers, "callers");
    this.queries = Objects.requireNonNull(queries, "queries");
  }

  /**
   * Adds {@code GET /v1/alerts} and {@code GET /v1/alerts/:id} to {@code router}, plus 405 answers
   * for any method no route on those paths handles. The 405 routes are ordered last, so routes other
   * modules add on the same paths later (such as {@code PATCH /v1/alerts/:id}) still take precedence
   * and appear in {@code Allow}. A route for {@code GET /v1/alerts/stream} must be added before this
   * call, or {@code stream} is looked up as an alert id.
   */
  public static void mount(Router router, CallerResolver callers, AlertQueries queries) {
    AlertsRoutes routes = new AlertsRoutes(callers, queries);
    router.get(LIST_PATH).handler(routes::list);
    router.get(ONE_PATH).handler(routes::one);
    router.route(LIST_PATH).last().handler(ctx -> methodNotAllowed(ctx, router, LIST_PATH));
    router.route(ONE_PATH).last().handler(ctx -> methodNotAllowed(ctx, router, ONE_PATH));
  }

  private void list(RoutingContext ctx) {
    Caller caller = authorize(ctx);
    if (caller == null) {
      return;
    }
    AlertFilter filter;
    try {
      filter = AlertFilter.fromQuery(caller.workspace(), queryParams(ctx));
    } catch (InvalidFilterException e) {
      error(ctx, 400, "bad_request", e.getMessage());
      return;
    }
    answerOffLoop(
        ctx,
        () -> {
          List<Alert> alerts = queries.list(filter);
          String next = null;
          if (alerts.size() == filter.limit()) {
            Alert last = alerts.get(alerts.size() - 1);
            next = last.detectedTimeUtc() == null ? null : AlertFilter.cursorAfter(last);
          }
          return Optional.of(new AlertList(alerts, alerts.size(), next));
        });
  }

  private void one(RoutingContext ctx) {
    Caller caller = authorize(ctx);
    if (caller == null) {
      return;
    }
    String id = ctx.pathParam("id");
    answerOffLoop(ctx, () -> queries.byId(caller.workspace(), id));
  }

  /** The caller when it may read alerts; otherwise answers 401 or 403 and returns null. */
  private Caller authorize(RoutingContext ctx) {
    String token = CallerResolver.bearerToken(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    if (token == null) {
      ctx.response().putHeader(WWW_AUTHENTICATE, "Bearer realm=\"vigil\"");
      error(ctx, 401, "unauthorized", "send an API token as 'Authorization: Bearer <token>'");
      return null;
    }
    Optional<Caller> caller = callers.resolve(token);
    if (caller.isEmpty()) {
      ctx.response()
          .putHeader(WWW_AUTHENTICATE, "Bearer realm=\"vigil\", error=\"invalid_token\"");
      error(ctx, 401, "unauthorized", "the token is unknown or revoked; ask an admin for a new one");
      return null;
    }
    Caller c = caller.get();
    if (!ApiToken.ROLE_READER.equals(c.role()) && !ApiToken.ROLE_ADMIN.equals(c.role())) {
      error(
          ctx,
          403,
          "forbidden",
          "reading alerts needs a reader or admin token of the workspace; this is a "
              + c.role() + " token");
      return null;
    }
    return c;
  }

  /**
   * Runs {@code query} on a worker thread and answers 200 with its value as JSON, 404 when empty, 503
   * when the store is not ready and 500 otherwise.
   */
  private static void answerOffLoop(RoutingContext ctx, Callable<Optional<?>> query) {
    ctx.vertx()
        .executeBlocking(
            () -> {
              Optional<?> value = query.call();
              return value.isEmpty() ? null : Buffer.buffer(Json.mapper().writeValueAsBytes(value.get()));
            },
            false)
        .onComplete(
            result -> {
              if (ctx.response().ended() || ctx.response().closed()) {
                return;
              }
              if (result.succeeded()) {
                if (result.result() == null) {
                  error(ctx, 404, "not_found", "no alert with this id in your workspace");
                } else {
                  json(ctx.response(), 200).end(result.result());
                }
              } else if (result.cause() instanceof AlertStoreUnavailableException e) {
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
                error(ctx, 503, "unavailable", "alerts are loading, retry shortly (" + e.getMessage() + ")");
              } else {
                LOG.error("alert query failed on {}", ctx.request().path(), result.cause());
                error(ctx, 500, "internal_error", "the alert query failed; see the server log");
              }
            });
  }

  private static void methodNotAllowed(RoutingContext ctx, Router router, String path) {
    ctx.response().putHeader(HttpHeaders.ALLOW, allowed(router, path));
    error(
        ctx,
        405,
        "method_not_allowed",
        ctx.request().method().name() + " is not supported on this path; allowed: " + allowed(router, path));
  }

  /** The methods of every route on {@code path}, computed per request so later routes count too. */
  private static String allowed(Router router, String path) {
    TreeSet<String> methods = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (path.equals(route.getPath()) && route.methods() != null) {
        for (HttpMethod method : route.methods()) {
          methods.add(method.name());
        }
      }
    }
    return String.join(", ", methods);
  }

  private static Map<String, List<String>> queryParams(RoutingContext ctx) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : ctx.queryParams()) {
      params.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
    return params;
  }

  private static void error(RoutingContext ctx, int status, String code, String message) {
    byte[] body;
    try {
      body = Json.mapper().writeValueAsBytes(new ApiError(code, message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("ApiError is always serializable", e);
    }
    json(ctx.response(), status).end(Buffer.buffer(body));
  }

  private static HttpServerResponse json(HttpServerResponse response, int status) {
    return response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
  }

  /** The body of {@code GET /v1/alerts}; {@code nextCursor} is present only when the page is full. */
  record AlertList(List<Alert> alerts, int count, String nextCursor) {}
}
