package dev.vigil.ingest;

import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS adapter of the ingest gateway: {@code POST /v1/audit} and its alias {@code POST
 * /k8s-audit} (the path a kube-apiserver audit webhook kubeconfig commonly names).
 *
 * <p>Checks run cheapest first and before any body byte is buffered: method (405), token (401),
 * role (403), content type and encoding (415), declared length (413). A request with {@code Expect:
 * 100-continue} is told to send its body only after these pass, so leave the server's
 * {@code handle100ContinueAutomatically} at its default (false). Leave {@code decompressionSupported}
 * off as well: the gateway inflates gzip itself, under the body cap.
 */
public final class IngestRoutes {
  private static final Logger log = LoggerFactory.getLogger(IngestRoutes.class);

  public static final String PATH = "/v1/audit";
  public static final String WEBHOOK_ALIAS = "/k8s-audit";
  /** Query parameter that marks a request's events as history ({@code ?backfill=true}). */
  public static final String BACKFILL_PARAM = "backfill";

  static final Set<String> JSON_TYPES =
      Set.of(
          "application/json",
          "application/x-ndjson",
          "application/jsonl",
          "application/json-seq");

  /** What the endpoint tells a request without a cluster's valid token. */
  static final Authentication.Challenge CHALLENGE =
      Authentication.Challenge.of("send the cluster's ingest token as Authorization: Bearer <token>")
          .unknownToken("the token is unknown or revoked; register the cluster again to get a new token");

  private IngestRoutes() {}

  /** Mounts the ingest endpoints on {@code router}. The caller owns the HTTP server and its TLS. */
  public static void mount(
      Router router,
      CallerResolver callers,
      IngestGateway gateway,
      IngestLimits limits,
      ClusterActivity activity) {
    Handler handler = new Handler(gateway, limits, activity);
    Authentication authentication = Authentication.of(callers, CHALLENGE);
    for (String path : List.of(PATH, WEBHOOK_ALIAS)) {
      router
          .route(path)
          .handler(handler::countAnswer)
          .handler(Handler::onlyPost)
          .handler(authentication)
          .handler(handler::handle);
    }
  }

  private static final class Handler {
    private final IngestGateway gateway;
    private final IngestLimits limits;
    private final ClusterActivity activity;
    private final RateLimiter rateLimiter;

    Handler(IngestGateway gateway, IngestLimits limits, ClusterActivity activity) {
      this.gateway = gateway;
      this.limits = limits;
      this.activity = activity;
      this.rateLimiter = new RateLimiter(limits.requestsPerSecond(), limits.burst());
    }

    /** Counts every answer of the endpoint by status ({@code vigil.ingest.requests}), whoever writes it. */
    void countAnswer(RoutingContext ctx) {
      ctx.addHeadersEndHandler(v -> gateway.countRequest(ctx.response().getStatusCode()));
      ctx.next();
    }

    /** The cheapest check first: any method but POST is 405, before the token is looked at. */
    static void onlyPost(RoutingContext ctx) {
      if (ctx.request().method() != HttpMethod.POST) {
        ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
        Answers.error(ctx, 405, "method_not_allowed", "use POST to send audit events to this path");
        return;
      }
      ctx.next();
    }

    void handle(RoutingContext ctx) {
      long receivedMs = System.currentTimeMillis();
      HttpServerRequest request = ctx.request();
      Caller caller = Authentication.caller(ctx);
      if (!caller.isCluster()) {
        Answers.error(
            ctx,
            403,
            "forbidden",
            "only a cluster ingest token (vgc_...) may send audit events; this is a "
                + caller.role()
                + " token");
        return;
      }
      long waitNanos =
          rateLimiter.tryAcquire(caller.workspace() + "/" + caller.name(), System.nanoTime());
      if (waitNanos > 0) {
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        Answers.error(
            ctx,
            429,
            "rate_limited",
            "this token may send "
                + limits.requestsPerSecond()
                + " requests per second (burst "
                + limits.burst()
                + "); retry after "
                + seconds
                + " s or send larger batches");
        return;
      }
      boolean backfill = backfill(request.getParam(BACKFILL_PARAM));
      long backfillWait = backfill ? gateway.backfillWait(caller) : 0;
      if (backfillWait > 0) {
        notStored(ctx, backfillWait, "backfill_deferred",
            "history (backfill) is the lowest priority and detection has a backlog of live events",
            "vigil_ingest_backfill_throttled_total");
        return;
      }
      long admissionWait = gateway.admissionWait(caller);
      if (admissionWait > 0) {
        notStored(ctx, admissionWait, "detection_behind",
            "detection is more than its bound behind and this cluster sends more than its fair share",
            "vigil_detection_lag_seconds and vigil_ingest_cluster_throttled_total");
        return;
      }
      String mediaType = mediaType(request.getHeader(HttpHeaders.CONTENT_TYPE));
      if (!JSON_TYPES.contains(mediaType)) {
        Answers.error(
            ctx,
            415,
            "unsupported_media_type",
            "Content-Type "
                + (mediaType.isEmpty() ? "is missing" : "'" + mediaType + "' is not accepted")
                + "; use one of "
                + String.join(", ", new TreeSet<>(JSON_TYPES)));
        return;
      }
      Boolean gzip = gzip(request.getHeader(HttpHeaders.CONTENT_ENCODING));
      if (gzip == null) {
        Answers.error(
            ctx,
            415,
            "unsupported_media_type",
            "Content-Encoding '"
                + request.getHeader(HttpHeaders.CONTENT_ENCODING)
                + "' is not accepted; send the body uncompressed or with Content-Encoding: gzip");
        return;
      }
      long declared = contentLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
      if (declared > limits.maxBodyBytes()) {
        tooLarge(ctx);
        return;
      }
      if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
        ctx.response().writeContinue();
      }
      readBody(ctx, caller, gzip, receivedMs, declared, backfill);
    }

    /** Answers 429 with {@code Retry-After} before the body is read: nothing of it is stored. */
    private static void notStored(
        RoutingContext ctx, long seconds, String code, String why, String metrics) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
      Answers.error(
          ctx,
          429,
          code,
          why + "; nothing of this request was stored: retry it after " + seconds + " s (see "
              + metrics + ")");
    }

    /** Reads the body up to the cap; a body streamed past it is answered 413 and cut off. */
    private void readBody(
        RoutingContext ctx,
        Caller caller,
        boolean gzip,
        long receivedMs,
        long declared,
        boolean backfill) {
      HttpServerRequest request = ctx.request();
      int initial = (int) Math.min(Math.max(declared, 1024), 1024 * 1024);
      Buffer body = Buffer.buffer(initial);
      boolean[] cut = {false};
      // A body that trickles in (slowloris) would hold its connection and buffer for ever: past the
      // deadline the request is answered 408 and its connection closed.
      long timer =
          ctx.vertx()
              .setTimer(
                  limits.bodyTimeout().toMillis(),
                  id -> {
                    if (!cut[0]) {
                      cut[0] = true;
                      timedOut(ctx);
                    }
                  });
      request.handler(
          chunk -> {
            if (cut[0]) {
              return;
            }
            if ((long) body.length() + chunk.length() > limits.maxBodyBytes()) {
              cut[0] = true;
              ctx.vertx().cancelTimer(timer);
              tooLarge(ctx);
              return;
            }
            body.appendBuffer(chunk);
          });
      request.exceptionHandler(
          e -> {
            ctx.vertx().cancelTimer(timer);
            log.debug("audit request from cluster {} broke off: {}", caller.name(), e.toString());
          });
      request.endHandler(
          v -> {
            ctx.vertx().cancelTimer(timer);
            if (!cut[0]) {
              cut[0] = true;
              dispatch(ctx, caller, body.getBytes(), gzip, receivedMs, backfill);
            }
          });
      request.resume();
    }

    private void dispatch(
        RoutingContext ctx,
        Caller caller,
        byte[] body,
        boolean gzip,
        long receivedMs,
        boolean backfill) {
      Future.fromCompletionStage(
              gateway.accept(body, gzip, caller, receivedMs, backfill),
              ctx.vertx().getOrCreateContext())
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  IngestResult result = ar.result();
                  activity.record(
                      caller.workspace(),
                      caller.name(),
                      result.accepted(),
                      result.rejected(),
                      receivedMs);
                  Map<String, Object> answer = new LinkedHashMap<>();
                  answer.put("accepted", result.accepted());
                  answer.put("rejected", result.rejected());
                  if (!result.errors().isEmpty()) {
                    List<Map<String, Object>> errors = new ArrayList<>();
                    for (IngestResult.Rejection r : result.errors()) {
                      Map<String, Object> e = new LinkedHashMap<>();
                      e.put("index", r.index());
                      e.put("reason", r.reason());
                      errors.add(e);
                    }
                    answer.put("errors", errors);
                  }
                  Answers.json(ctx, 200, answer);
                } else {
                  failed(ctx, caller, ar.cause());
                }
              });
    }

    private void failed(RoutingContext ctx, Caller caller, Throwable cause) {
      Throwable e = cause instanceof CompletionException && cause.getCause() != null
          ? cause.getCause()
          : cause;
      if (e instanceof MalformedBodyException) {
        Answers.error(ctx, 400, ((IngestException) e).errorCode(), e.getMessage());
      } else if (e instanceof PayloadTooLargeException) {
        Answers.error(ctx, 413, ((IngestException) e).errorCode(), e.getMessage());
      } else if (e instanceof KafkaUnavailableException
          || e instanceof GatewayOverloadedException) {
        log.warn("refusing audit events of cluster {}: {}", caller.name(), e.getMessage());
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(limits.retryAfterSeconds()));
        Answers.error(ctx, 503, ((IngestException) e).errorCode(), e.getMessage());
      } else {
        log.error("unexpected failure ingesting events of cluster {}", caller.name(), e);
        Answers.error(ctx, 500, "internal_error", "the gateway failed unexpectedly; retry later");
      }
    }

    private void tooLarge(RoutingContext ctx) {
      // The rest of the body is not read: close the connection once the answer is out.
      HttpServerResponse response = ctx.response();
      response.putHeader(HttpHeaders.CONNECTION, "close");
      response.endHandler(v -> ctx.request().connection().close());
      Answers.error(
          ctx,
          413,
          "payload_too_large",
          "the body exceeds " + limits.maxBodyBytes() + " bytes; split the events into smaller batches");
    }

    private void timedOut(RoutingContext ctx) {
      HttpServerResponse response = ctx.response();
      response.putHeader(HttpHeaders.CONNECTION, "close");
      response.endHandler(v -> ctx.request().connection().close());
      Answers.error(
          ctx,
          408,
          "request_timeout",
          "the body did not arrive within "
              + limits.bodyTimeout().toSeconds()
              + " s of the headers; send the whole body at once");
    }

  }

  /**
   * {@code ?backfill=true} (or {@code 1}) marks the request's events as history: lowest priority
   * under admission, and detection's backfill horizon applies to them.
   */
  static boolean backfill(String param) {
    return param != null && (param.equalsIgnoreCase("true") || param.equals("1"));
  }

  /** The media type of a Content-Type value without parameters, lower case; empty when absent. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  /** True for gzip, false for no encoding, null for an encoding the gateway cannot read. */
  static Boolean gzip(String contentEncoding) {
    if (contentEncoding == null) {
      return false;
    }
    String encoding = contentEncoding.trim().toLowerCase(Locale.ROOT);
    if (encoding.isEmpty() || encoding.equals("identity")) {
      return false;
    }
    if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
      return true;
    }
    return null;
  }

  private static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
