package dev.vigil.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertHistoryEntry;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.AlertStatusChange;
import dev.vigil.schemas.ApiError;
import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Json;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
 *   <tr><td>{@code PATCH /v1/alerts/{id}}</td><td>admin</td>
 *       <td>{@code {"status","comment"}} recorded in {@code vigil.alert-status.v1}; 200 with the updated
 *       alert once the store shows it, else 202 with the change</td></tr>
 *   <tr><td>{@code GET /v1/alerts/stream}</td><td>reader, admin</td>
 *       <td>server-sent events of new and updated alerts; resumes after {@code Last-Event-ID}</td></tr>
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
  public static final String STREAM_PATH = "/v1/alerts/stream";

  /** Largest accepted {@code PATCH} body. */
  static final long MAX_PATCH_BYTES = 16 * 1024;

  /** Longest accepted triage comment. */
  static final int MAX_COMMENT = 2000;

  /** How long {@code PATCH} waits for the change to show in the store before answering 202. */
  static final Duration APPLY_WAIT = Duration.ofSeconds(5);

  /** Interval of SSE comment lines that keep idle connections (and proxies) open. */
  static final long KEEPALIVE_MS = 15_000;

  /** How often an open stream checks that its token is still valid. */
  static final long REVOCATION_CHECK_MS = 1_000;

  /** Seconds a client over its stream limit should wait before trying again. */
  static final String STREAM_RETRY_AFTER_SECONDS = "30";

  /** Seconds a client should wait before retrying when the store is not queryable. */
  static final String RETRY_AFTER_SECONDS = "1";

  private static final String JSON = "application/json; charset=utf-8";

  /** What the alerts API tells a request without a valid token. */
  static final Authentication.Challenge CHALLENGE =
      Authentication.Challenge.of("send an API token as 'Authorization: Bearer <token>'")
          .unknownToken("the token is unknown or revoked; ask an admin for a new one")
          .invalidTokenError();

  private final CallerResolver callers;
  private final Authentication authentication;
  private final AlertQueries queries;
  private final AlertStatusSink statusSink;
  private final AlertFeed feed;
  private final LiveStreams streams;

  private AlertsRoutes(
      CallerResolver callers,
      AlertQueries queries,
      AlertStatusSink statusSink,
      AlertFeed feed,
      LiveStreams.Settings streamSettings) {
    this.callers = Objects.requireNonNull(callers, "callers");
    this.authentication = Authentication.of(callers, CHALLENGE);
    this.queries = Objects.requireNonNull(queries, "queries");
    this.statusSink = statusSink;
    this.feed = feed;
    this.streams = new LiveStreams(streamSettings);
  }

  /**
   * Adds the whole alerts API: the reads of {@link #mount(Router, CallerResolver, AlertQueries)},
   * {@code PATCH /v1/alerts/:id} (admin; the change goes to {@code statusSink}) and {@code GET
   * /v1/alerts/stream} (server-sent events from {@code feed}).
   */
  public static void mount(
      Router router,
      CallerResolver callers,
      AlertQueries queries,
      AlertStatusSink statusSink,
      AlertFeed feed) {
    mount(router, callers, queries, statusSink, feed, LiveStreams.Settings.defaults());
  }

  /**
   * Adds the whole alerts API with the live stream bounded by {@code streamSettings}; returns the
   * live streams' counters.
   */
  public static LiveStreams mount(
      Router router,
      CallerResolver callers,
      AlertQueries queries,
      AlertStatusSink statusSink,
      AlertFeed feed,
      LiveStreams.Settings streamSettings) {
    AlertsRoutes routes =
        new AlertsRoutes(
            callers,
            queries,
            Objects.requireNonNull(statusSink, "statusSink"),
            Objects.requireNonNull(feed, "feed"),
            streamSettings);
    router.get(STREAM_PATH).handler(routes.authentication).handler(routes::stream);
    router.route(STREAM_PATH).last().handler(ctx -> methodNotAllowed(ctx, router, STREAM_PATH));
    router
        .patch(ONE_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_PATCH_BYTES))
        .handler(routes.authentication)
        .handler(routes::patch)
        .failureHandler(AlertsRoutes::bodyFailure);
    routes.mountReads(router);
    return routes.streams;
  }

  /**
   * Adds {@code GET /v1/alerts} and {@code GET /v1/alerts/:id} to {@code router}, plus 405 answers
   * for any method no route on those paths handles. The 405 routes are ordered last, so routes other
   * modules add on the same paths later (such as {@code PATCH /v1/alerts/:id}) still take precedence
   * and appear in {@code Allow}. A route for {@code GET /v1/alerts/stream} must be added before this
   * call, or {@code stream} is looked up as an alert id.
   */
  public static void mount(Router router, CallerResolver callers, AlertQueries queries) {
    new AlertsRoutes(callers, queries, null, null, LiveStreams.Settings.defaults()).mountReads(router);
  }

  private void mountReads(Router router) {
    router.get(LIST_PATH).handler(authentication).handler(this::list);
    router.get(ONE_PATH).handler(authentication).handler(this::one);
    router.route(LIST_PATH).last().handler(ctx -> methodNotAllowed(ctx, router, LIST_PATH));
    router.route(ONE_PATH).last().handler(ctx -> methodNotAllowed(ctx, router, ONE_PATH));
  }

  private void patch(RoutingContext ctx) {
    Caller caller = authorizeAdmin(ctx, "an alert's");
    if (caller == null) {
      return;
    }
    Triage parsed = objectBody(ctx, java.util.Set.of("status", "comment"),
        "{\"status\":\"Active|InProgress|Resolved|Dismissed\",\"comment\":\"...\"}",
        "a status change has \"status\" and an optional \"comment\"",
        body -> new Triage(statusOf(body.get("status")), commentOf(body.get("comment"))));
    if (parsed == null) {
      return;
    }
    AlertStatus status = parsed.status();
    String comment = parsed.comment();
    String id = ctx.pathParam("id");
    String changedBy = caller.role() + ":" + caller.name();
    ctx.vertx()
        .executeBlocking(() -> applyChange(caller.workspace(), id, status, comment, changedBy), false)
        .onComplete(
            result -> {
              if (ctx.response().ended() || ctx.response().closed()) {
                return;
              }
              if (result.succeeded()) {
                PatchResult r = result.result();
                if (r == null) {
                  Answers.error(ctx, 404, "not_found", "no alert with this id in your workspace");
                } else {
                  json(ctx.response(), r.applied() ? 200 : 202).end(r.body());
                }
              } else if (result.cause() instanceof AlertStoreUnavailableException e) {
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
                Answers.error(ctx, 503, "unavailable", e.getMessage());
              } else {
                LOG.error("status change of alert {} failed", id, result.cause());
                Answers.error(ctx, 500, "internal_error", "the status change failed; see the server log");
              }
            });
  }

  /** The body of {@code PATCH /v1/alerts/{id}}. */
  private record Triage(AlertStatus status, String comment) {}

  /** The body and whether the store already shows the change; null when the alert is not visible. */
  private record PatchResult(boolean applied, Buffer body) {}

  private PatchResult applyChange(
      String workspace, String id, AlertStatus status, String comment, String changedBy)
      throws Exception {
    Optional<Alert> alert = queries.byId(workspace, id);
    if (alert.isEmpty()) {
      return null;
    }
    Alert a = alert.get();
    AlertStatusChange change =
        new AlertStatusChange(
            a.id(),
            Fingerprints.alertFingerprint(
                a.workspace(), a.cluster(), a.alertType(), a.compromisedEntity()),
            a.workspace(),
            status,
            comment,
            changedBy,
            Instant.now().truncatedTo(ChronoUnit.MILLIS));
    statusSink.record(change);
    AlertHistoryEntry entry = change.toHistoryEntry();
    long deadline = System.nanoTime() + APPLY_WAIT.toNanos();
    // Answer with the alert as the store shows it once the change is applied, so a client can show
    // the new state at once; 202 with the change when applying it takes longer.
    while (System.nanoTime() < deadline) {
      Optional<Alert> now = queries.byId(workspace, id);
      if (now.isPresent() && now.get().history().contains(entry)) {
        return new PatchResult(true, Buffer.buffer(Json.mapper().writeValueAsBytes(now.get())));
      }
      Thread.sleep(50);
    }
    return new PatchResult(false, Buffer.buffer(Json.mapper().writeValueAsBytes(change)));
  }

  /**
   * Reads the request body, a JSON object of no other fields than {@code fields}, with {@code read};
   * answers 400 and returns null when it is not JSON, not such an object, or {@code read} throws
   * {@link IllegalArgumentException}.
   *
   * @param shape the object to send, shown when the body is not an object
   * @param fieldsHint what the object has, shown with an unknown field
   */
  public static <T> T objectBody(RoutingContext ctx, java.util.Set<String> fields, String shape,
      String fieldsHint, java.util.function.Function<JsonNode, T> read) {
    try {
      JsonNode body = Json.mapper().readTree(ctx.body().buffer() == null ? new byte[0]
          : ctx.body().buffer().getBytes());
      if (body == null || !body.isObject()) {
        throw new IllegalArgumentException("send a JSON object " + shape);
      }
      for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!fields.contains(name)) {
          throw new IllegalArgumentException("unknown field '" + name + "'; " + fieldsHint);
        }
      }
      return read.apply(body);
    } catch (IOException e) {
      Answers.error(ctx, 400, "bad_request", "the body is not valid JSON: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, "bad_request", e.getMessage());
    }
    return null;
  }

  /** The status named by {@code node}, case-insensitive; IllegalArgumentException naming the allowed ones. */
  public static AlertStatus statusOf(JsonNode node) {
    String allowed =
        Arrays.stream(AlertStatus.values()).map(Enum::name).collect(Collectors.joining(", "));
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException("\"status\" is required: one of " + allowed);
    }
    for (AlertStatus s : AlertStatus.values()) {
      if (s.name().toLowerCase(Locale.ROOT).equals(node.textValue().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "\"status\" '" + node.textValue() + "' is unknown; allowed: " + allowed);
  }

  /** A triage comment: null when absent or blank; IllegalArgumentException when too long. */
  public static String commentOf(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || node.textValue().length() > MAX_COMMENT) {
      throw new IllegalArgumentException(
          "\"comment\" must be a string of at most " + MAX_COMMENT + " characters");
    }
    return node.textValue().isBlank() ? null : node.textValue();
  }

  private static void bodyFailure(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      Answers.error(ctx, 413, "payload_too_large", "a status change body is at most " + MAX_PATCH_BYTES + " bytes");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Answers.error(ctx, ctx.statusCode(), "bad_request", "the request could not be read");
    } else {
      LOG.error("alert request failed", ctx.failure());
      Answers.error(ctx, 500, "internal_error", "the request failed; see the server log");
    }
  }

  private void stream(RoutingContext ctx) {
    Caller caller = authorize(ctx);
    if (caller == null) {
      return;
    }
    String token = CallerResolver.bearerToken(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    AlertFilter filter;
    StreamPosition from = null;
    try {
      filter = AlertFilter.fromStreamQuery(caller.workspace(), queryParams(ctx));
      String lastEventId = ctx.request().getHeader("Last-Event-ID");
      if (lastEventId != null && !lastEventId.isBlank()) {
        if (lastEventId.length() > 16 * 1024) {
          throw new IllegalArgumentException("Last-Event-ID is too long to be an id of this stream");
        }
        from = streams.settings().ids().decode(lastEventId);
      }
    } catch (InvalidFilterException | IllegalArgumentException e) {
      Answers.error(ctx, 400, "bad_request", e.getMessage());
      return;
    }
    String refused = streams.tryOpen(caller);
    if (refused != null) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, STREAM_RETRY_AFTER_SECONDS);
      Answers.error(ctx, 429, "too_many_streams", refused);
      return;
    }
    HttpServerResponse response = ctx.response();
    LiveStream live = new LiveStream(response, ctx.vertx().getOrCreateContext(), filter, streams);
    AlertFeed.Subscription subscription;
    try {
      subscription =
          feed.subscribe(
              from,
              live::offer,
              failure -> live.context.runOnContext(v -> live.end()));
    } catch (AlertStoreUnavailableException e) {
      streams.release(caller);
      response.putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
      Answers.error(ctx, 503, "unavailable", e.getMessage());
      return;
    }
    live.subscription = subscription;
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Accel-Buffering", "no");
    // retry: how long an EventSource-style client waits before reconnecting.
    live.write(Buffer.buffer("retry: 2000\n\n"));
    long[] ticks = {0};
    long timer =
        ctx.vertx().setPeriodic(REVOCATION_CHECK_MS, t -> {
          // A revoked or expired token loses its open streams too, within a second.
          if (callers.resolve(token).isEmpty()) {
            live.end();
            return;
          }
          if (++ticks[0] % (KEEPALIVE_MS / REVOCATION_CHECK_MS) == 0) {
            live.write(Buffer.buffer(": keepalive\n\n"));
          }
        });
    boolean[] released = {false};
    Runnable ender = () -> live.context.runOnContext(v -> live.end());
    streams.whileOpen(ender);
    Handler<Void> done = v -> {
      ctx.vertx().cancelTimer(timer);
      subscription.close();
      live.closed = true;
      if (!released[0]) {
        released[0] = true;
        streams.release(caller);
        streams.closed(ender);
      }
    };
    response.closeHandler(done);
    response.endHandler(done);
    if (live.closed) {
      done.handle(null);
    }
  }

  /**
   * One open stream. Events come from the feed's thread, are encoded there and counted as pending
   * until the socket takes them: written to a connection whose write queue is full, they stay pending
   * until it drains. A reader that lets more than {@link LiveStreams.Settings#bufferBytes()} wait is
   * disconnected, so a slow or stalled reader costs the server a bounded buffer, not the alerts topic.
   */
  private static final class LiveStream {
    final HttpServerResponse response;
    final Context context;
    final AlertFilter filter;
    final LiveStreams streams;
    final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();
    volatile boolean closed;
    volatile AlertFeed.Subscription subscription;
    /** Bytes written while the write queue was full: pending until the queue drains. */
    long heldUntilDrain;

    LiveStream(HttpServerResponse response, Context context, AlertFilter filter, LiveStreams streams) {
      this.response = response;
      this.context = context;
      this.filter = filter;
      this.streams = streams;
      response.drainHandler(v -> {
        pending.addAndGet(-heldUntilDrain);
        heldUntilDrain = 0;
      });
    }

    /** On the feed's thread: encodes an event and hands it to the event loop, unless the buffer is full. */
    void offer(AlertFeed.Event event) {
      if (closed) {
        return;
      }
      String text;
      if (event.alert() == null) {
        // Tells the client where the stream starts, so a reconnect before any alert loses nothing.
        text = "id: " + streams.settings().ids().encode(event.position()) + "\nevent: ready\ndata: {}\n\n";
      } else if (!filter.matches(event.alert())) {
        return;
      } else {
        try {
          text = "id: " + streams.settings().ids().encode(event.position()) + "\nevent: alert\ndata: "
              + Json.mapper().writeValueAsString(event.alert()) + "\n\n";
        } catch (JsonProcessingException e) {
          LOG.error("cannot encode alert {} for the stream", event.alert().id(), e);
          return;
        }
      }
      Buffer buffer = Buffer.buffer(text);
      long now = pending.addAndGet(buffer.length());
      if (now > streams.settings().bufferBytes()) {
        pending.addAndGet(-buffer.length());
        cutOff();
        return;
      }
      streams.recordPending(now);
      context.runOnContext(v -> writeCounted(buffer));
    }

    private void cutOff() {
      if (closed) {
        return;
      }
      closed = true;
      streams.recordCutOff();
      AlertFeed.Subscription s = subscription;
      if (s != null) {
        s.close();
      }
      LOG.info("disconnected a live stream whose reader let {} bytes wait", pending.get());
      context.runOnContext(v -> response.reset());
    }

    /** On the event loop: an event counted in {@link #pending}. */
    private void writeCounted(Buffer buffer) {
      if (response.ended() || response.closed()) {
        pending.addAndGet(-buffer.length());
        return;
      }
      response.write(buffer);
      if (response.writeQueueFull()) {
        heldUntilDrain += buffer.length();
      } else {
        pending.addAndGet(-buffer.length());
      }
    }

    /** On the event loop: a line of the server's own (retry, keepalive), counted like an event. */
    void write(Buffer buffer) {
      if (closed || response.ended() || response.closed()) {
        return;
      }
      long now = pending.addAndGet(buffer.length());
      if (now > streams.settings().bufferBytes()) {
        pending.addAndGet(-buffer.length());
        cutOff();
        return;
      }
      writeCounted(buffer);
    }

    void end() {
      closed = true;
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }
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
      Answers.error(ctx, 400, "bad_request", e.getMessage());
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

  /**
   * The authenticated caller when it is an admin of its workspace; otherwise answers 403 ("changing
   * {@code whose} status needs an admin token") and returns null.
   */
  public static Caller authorizeAdmin(RoutingContext ctx, String whose) {
    Caller caller = authorize(ctx);
    if (caller != null && !caller.isAdmin()) {
      Answers.error(ctx, 403, "forbidden", "changing " + whose
          + " status needs an admin token of its workspace; this is a " + caller.role() + " token");
      return null;
    }
    return caller;
  }

  /** The authenticated caller when it may read alerts; otherwise answers 403 and returns null. */
  public static Caller authorize(RoutingContext ctx) {
    Caller c = Authentication.caller(ctx);
    if (!ApiToken.ROLE_READER.equals(c.role()) && !ApiToken.ROLE_ADMIN.equals(c.role())) {
      Answers.error(
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
                  Answers.error(ctx, 404, "not_found", "no alert with this id in your workspace");
                } else {
                  json(ctx.response(), 200).end(result.result());
                }
              } else if (result.cause() instanceof AlertStoreUnavailableException e) {
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
                Answers.error(ctx, 503, "unavailable", "alerts are loading, retry shortly (" + e.getMessage() + ")");
              } else {
                LOG.error("alert query failed on {}", ctx.request().path(), result.cause());
                Answers.error(ctx, 500, "internal_error", "the alert query failed; see the server log");
              }
            });
  }

  /** Answers 405 with {@code Allow} listing the methods of every route on {@code path}. */
  public static void methodNotAllowed(RoutingContext ctx, Router router, String path) {
    ctx.response().putHeader(HttpHeaders.ALLOW, allowed(router, path));
    Answers.error(
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

  /** The query parameters of the request, each name with all its values in order. */
  public static Map<String, List<String>> queryParams(RoutingContext ctx) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : ctx.queryParams()) {
      params.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
    return params;
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
