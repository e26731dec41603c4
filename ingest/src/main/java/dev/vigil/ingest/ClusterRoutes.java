package dev.vigil.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.ingest.identity.ClusterExistsException;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.ingest.identity.RegistryUnavailableException;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.ClusterRegistration;
import dev.vigil.schemas.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster lifecycle endpoints: {@code POST /v1/clusters} (admin; registers and returns the ingest
 * token once), {@code GET /v1/clusters} and {@code GET /v1/clusters/{name}} (reader or admin, own
 * workspace only), {@code DELETE /v1/clusters/{name}} (admin; revokes the token). Names are unique
 * per workspace and resolve within the caller's: a cluster of another workspace answers 404, as if it
 * did not exist, and its name never causes a 409.
 */
public final class ClusterRoutes {
  private static final Logger log = LoggerFactory.getLogger(ClusterRoutes.class);

  public static final String PATH = "/v1/clusters";
  static final long MAX_BODY_BYTES = 64 * 1024;

  /** What the cluster API tells a request without a valid token. */
  static final Authentication.Challenge CHALLENGE =
      Authentication.Challenge.of("send a reader or admin API token as Authorization: Bearer <token>");

  private ClusterRoutes() {}

  public static void mount(
      Router router, CallerResolver callers, ClusterRegistry registry, ClusterActivity activity) {
    mount(router, callers, registry, activity, WorkspaceQuotas.defaults());
  }

  /** Mounts the cluster routes with {@code quotas} on clusters and labels per workspace. */
  public static void mount(
      Router router,
      CallerResolver callers,
      ClusterRegistry registry,
      ClusterActivity activity,
      WorkspaceQuotas quotas) {
    Handlers h = new Handlers(registry, activity, quotas);
    Authentication authentication = Authentication.of(callers, CHALLENGE);
    router
        .route(HttpMethod.POST, PATH)
        // Vert.x requires the body handler first; its small cap bounds what an anonymous caller costs.
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(authentication)
        .handler(Handlers::apiTokensOnly)
        .handler(h::create)
        .failureHandler(ClusterRoutes::failure);
    router.route(HttpMethod.GET, PATH).handler(authentication).handler(Handlers::apiTokensOnly).handler(h::list);
    router.route(HttpMethod.GET, PATH + "/:name")
        .handler(authentication).handler(Handlers::apiTokensOnly).handler(h::show);
    router.route(HttpMethod.DELETE, PATH + "/:name")
        .handler(authentication).handler(Handlers::apiTokensOnly).handler(h::delete);
    router.route(PATH).handler(ctx -> methodNotAllowed(ctx, "GET, POST"));
    router.route(PATH + "/:name").handler(ctx -> methodNotAllowed(ctx, "GET, DELETE"));
  }

  private static void methodNotAllowed(RoutingContext ctx, String allow) {
    ctx.response().putHeader(HttpHeaders.ALLOW, allow);
    Answers.error(ctx, 405, "method_not_allowed", "this path accepts " + allow);
  }

  /** Renders failures of the body handler (413 and friends) as ApiError JSON. */
  private static void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      Answers.error(
          ctx, 413, "payload_too_large", "the body exceeds " + MAX_BODY_BYTES + " bytes");
    } else if (status >= 400 && status < 500) {
      Answers.error(ctx, status, "bad_request", "the request could not be read");
    } else {
      log.error("cluster request failed", ctx.failure());
      Answers.error(ctx, 500, "internal_error", "the server failed unexpectedly; retry later");
    }
  }

  private static final class Handlers {
    private final ClusterRegistry registry;
    private final ClusterActivity activity;
    private final WorkspaceQuotas quotas;

    Handlers(ClusterRegistry registry, ClusterActivity activity, WorkspaceQuotas quotas) {
      this.registry = registry;
      this.activity = activity;
      this.quotas = quotas;
    }

    /** A cluster's ingest token sends events and nothing else: 403 here. */
    static void apiTokensOnly(RoutingContext ctx) {
      if (Authentication.caller(ctx).isCluster()) {
        Answers.error(
            ctx,
            403,
            "forbidden",
            "a cluster ingest token can only send audit events; use a reader or admin API token");
        return;
      }
      ctx.next();
    }

    void create(RoutingContext ctx) {
      Caller caller = Authentication.caller(ctx);
      JsonNode body;
      try {
        body =
            Json.mapper()
                .readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
      } catch (JsonProcessingException e) {
        Answers.error(
            ctx, 400, "bad_request", "the body is not valid JSON: " + e.getOriginalMessage());
        return;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (body == null || !body.isObject()) {
        Answers.error(
            ctx,
            400,
            "bad_request",
            "send a JSON object {\"name\":\"...\",\"workspace\":\"...\",\"labels\":{...}}");
        return;
      }
      JsonNode nameNode = body.get("name");
      JsonNode workspaceNode = body.get("workspace");
      JsonNode labelsNode = body.get("labels");
      if (nameNode == null || !nameNode.isTextual()) {
        Answers.error(ctx, 400, "bad_request", "\"name\" is required and must be a string");
        return;
      }
      if (workspaceNode != null && !workspaceNode.isNull() && !workspaceNode.isTextual()) {
        Answers.error(ctx, 400, "bad_request", "\"workspace\" must be a string");
        return;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (labelsNode != null && !labelsNode.isNull()) {
        if (!labelsNode.isObject()) {
          Answers.error(ctx, 400, "bad_request", "\"labels\" must be an object of strings");
          return;
        }
        var fields = labelsNode.fields();
        while (fields.hasNext()) {
          var field = fields.next();
          if (!field.getValue().isTextual()) {
            Answers.error(
                ctx, 400, "bad_request", "label '" + field.getKey() + "' must have a string value");
            return;
          }
          labels.put(field.getKey(), field.getValue().textValue());
        }
      }
      String name = nameNode.textValue();
      String workspace =
          workspaceNode == null || workspaceNode.isNull()
              ? caller.workspace()
              : workspaceNode.textValue();
      if (!caller.canWrite(workspace)) {
        Answers.error(
            ctx,
            403,
            "forbidden",
            "only an admin of workspace '" + workspace + "' may register clusters in it");
        return;
      }
      String overQuota = overQuota(workspace, labels);
      if (overQuota != null) {
        Answers.error(ctx, 422, "quota_exceeded", overQuota);
        return;
      }
      ctx.vertx()
          .executeBlocking(
              () -> {
                String token = registry.register(name, workspace, labels);
                return Map.entry(token, registry.get(workspace, name).orElseThrow());
              },
              false)
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  ClusterRegistration registration = ar.result().getValue();
                  Map<String, Object> answer = describe(registration);
                  answer.put("token", ar.result().getKey());
                  ctx.response().putHeader(HttpHeaders.LOCATION, PATH + "/" + name);
                  Answers.json(ctx, 201, answer);
                } else {
                  writeFailure(ctx, ar.cause());
                }
              });
    }

    void list(RoutingContext ctx) {
      Caller caller = Authentication.caller(ctx);
      if (!caller.canRead(caller.workspace())) {
        Answers.error(ctx, 403, "forbidden", "a reader or admin token is needed");
        return;
      }
      Page page;
      try {
        page = Page.of(ctx);
      } catch (IllegalArgumentException e) {
        Answers.error(ctx, 400, "bad_request", e.getMessage());
        return;
      }
      List<ClusterRegistration> registrations =
          page.apply(registry.list(caller.workspace()), ClusterRegistration::name);
      List<Map<String, Object>> clusters = new ArrayList<>();
      for (ClusterRegistration registration : registrations) {
        clusters.add(describe(registration));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("clusters", clusters);
      body.put("nextCursor", page.next(registrations, ClusterRegistration::name));
      Answers.json(ctx, 200, body);
    }

    /** Why registering a cluster with {@code labels} in {@code workspace} is over quota, or null. */
    private String overQuota(String workspace, Map<String, String> labels) {
      if (labels.size() > quotas.maxLabelsPerCluster()) {
        return "a cluster may have at most " + quotas.maxLabelsPerCluster() + " labels; this one has "
            + labels.size();
      }
      long bytes = 0;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        bytes += label.getKey().getBytes(StandardCharsets.UTF_8).length
            + label.getValue().getBytes(StandardCharsets.UTF_8).length;
      }
      if (bytes > quotas.maxLabelBytesPerCluster()) {
        return "the labels of a cluster may hold at most " + quotas.maxLabelBytesPerCluster()
            + " bytes; these hold " + bytes;
      }
      if (registry.list(workspace).size() >= quotas.maxClusters()) {
        return "workspace '" + workspace + "' has " + quotas.maxClusters()
            + " clusters, its quota: remove unused ones or ask the operator to raise --max-clusters";
      }
      return null;
    }

    void show(RoutingContext ctx) {
      Caller caller = Authentication.caller(ctx);
      Optional<ClusterRegistration> registration = visible(caller, ctx.pathParam("name"));
      if (registration.isEmpty()) {
        notFound(ctx);
        return;
      }
      Answers.json(ctx, 200, describe(registration.get()));
    }

    void delete(RoutingContext ctx) {
      Caller caller = Authentication.caller(ctx);
      String name = ctx.pathParam("name");
      Optional<ClusterRegistration> registration = visible(caller, name);
      if (registration.isEmpty()) {
        notFound(ctx);
        return;
      }
      if (!caller.canWrite(registration.get().workspace())) {
        Answers.error(
            ctx, 403, "forbidden", "only an admin of the workspace may delete its clusters");
        return;
      }
      ctx.vertx()
          .executeBlocking(() -> registry.revoke(registration.get().workspace(), name), false)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  writeFailure(ctx, ar.cause());
                } else if (!ar.result()) {
                  notFound(ctx);
                } else {
                  activity.forget(registration.get().workspace(), name);
                  Answers.noContent(ctx);
                }
              });
    }

    /** Names resolve within the caller's workspace: another workspace's cluster of that name is not looked at. */
    private Optional<ClusterRegistration> visible(Caller caller, String name) {
      return registry.get(caller.workspace(), name).filter(r -> caller.canRead(r.workspace()));
    }

    private static void notFound(RoutingContext ctx) {
      Answers.error(
          ctx, 404, "not_found", "no cluster named '" + ctx.pathParam("name") + "' in your workspace");
    }

    private static void writeFailure(RoutingContext ctx, Throwable e) {
      if (e instanceof ClusterExistsException) {
        Answers.error(ctx, 409, "conflict", e.getMessage());
      } else if (e instanceof IllegalArgumentException) {
        Answers.error(ctx, 400, "bad_request", e.getMessage());
      } else if (e instanceof RegistryUnavailableException) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
        Answers.error(ctx, 503, "kafka_unavailable", e.getMessage());
      } else {
        log.error("cluster change failed", e);
        Answers.error(ctx, 500, "internal_error", "the server failed unexpectedly; retry later");
      }
    }

    private Map<String, Object> describe(ClusterRegistration registration) {
      ClusterActivity.Snapshot seen =
          activity.snapshot(registration.workspace(), registration.name());
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("name", registration.name());
      out.put("workspace", registration.workspace());
      out.put("labels", registration.labels() == null ? Map.of() : registration.labels());
      out.put("createdAt", registration.createdAt());
      out.put("installState", activity.installState(seen).name());
      out.put("lastEventTime", seen.lastEventTime());
      out.put("eventsReceived", seen.eventsReceived());
      out.put("eventsRejected", seen.eventsRejected());
      out.put("eventsPerMinute", seen.eventsPerMinute());
      out.put("unhealthyAfterSeconds", activity.unhealthyAfter().toSeconds());
      return out;
    }
  }
}
