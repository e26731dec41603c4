package dev.vigil.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/tokens}: creates a reader or admin API token and answers it once ({@code 201
 * {"id","workspace","role","description","createdAt","token"}}).
 *
 * <p>An admin creates tokens of its own workspace. The admins of the {@value #OPERATOR_WORKSPACE}
 * workspace — the operator's, whose first token {@code vigil up} writes to its data directory — may
 * also create the tokens of any other workspace: that is how a new workspace gets its first admin.
 * Readers and cluster tokens get 403.
 */
public final class TokenRoutes {
  private static final Logger log = LoggerFactory.getLogger(TokenRoutes.class);

  public static final String PATH = "/v1/tokens";

  /** The workspace whose admins may create tokens of every workspace. */
  public static final String OPERATOR_WORKSPACE = "default";

  static final long MAX_BODY_BYTES = 16 * 1024;
  private static final Set<String> FIELDS = Set.of("role", "workspace", "description");

  private TokenRoutes() {}

  public static void mount(Router router, CallerResolver callers, ClusterRegistry registry) {
    router
        .route(HttpMethod.POST, PATH)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(ctx -> create(ctx, callers, registry))
        .failureHandler(TokenRoutes::failure);
    router.route(PATH).handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
      HttpJson.error(ctx, 405, "method_not_allowed", "this path accepts POST");
    });
  }

  /** Whether {@code caller} may create tokens of {@code workspace}. */
  static boolean mayCreate(Caller caller, String workspace) {
    return caller.canWrite(workspace)
        || (caller.isAdmin() && OPERATOR_WORKSPACE.equals(caller.workspace()));
  }

  private static void create(RoutingContext ctx, CallerResolver callers, ClusterRegistry registry) {
    String bearer = CallerResolver.bearerToken(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    Optional<Caller> resolved = bearer == null ? Optional.empty() : callers.resolve(bearer);
    if (resolved.isEmpty()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vigil\"");
      HttpJson.error(ctx, 401, "unauthorized", "send an admin API token as Authorization: Bearer <token>");
      return;
    }
    Caller caller = resolved.get();
    if (!caller.isAdmin()) {
      HttpJson.error(ctx, 403, "forbidden", "only an admin may create API tokens; this is a "
          + caller.role() + " token");
      return;
    }
    JsonNode body;
    try {
      body = Json.mapper().readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (JsonProcessingException e) {
      HttpJson.error(ctx, 400, "bad_request", "the body is not valid JSON: " + e.getOriginalMessage());
      return;
    } catch (IOException e) {
      HttpJson.error(ctx, 400, "bad_request", "the body could not be read");
      return;
    }
    if (body == null || !body.isObject()) {
      HttpJson.error(ctx, 400, "bad_request",
          "send a JSON object {\"role\":\"reader|admin\",\"workspace\":\"...\",\"description\":\"...\"}");
      return;
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        HttpJson.error(ctx, 400, "bad_request",
            "unknown field '" + name + "'; a token request has role, workspace and description");
        return;
      }
    }
    String role = textOrNull(body.get("role"));
    String workspace = textOrNull(body.get("workspace"));
    String description = textOrNull(body.get("description"));
    if (role == null) {
      HttpJson.error(ctx, 400, "bad_request", "\"role\" is required: reader or admin");
      return;
    }
    String target = workspace == null ? caller.workspace() : workspace;
    if (!mayCreate(caller, target)) {
      HttpJson.error(ctx, 403, "forbidden",
          "an admin creates tokens of its own workspace only; ask an admin of workspace '" + target
              + "' (or of '" + OPERATOR_WORKSPACE + "')");
      return;
    }
    ctx.vertx()
        .executeBlocking(() -> registry.createApiToken(target, role, description), false)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ApiToken record = ar.result().record();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", record.id());
            answer.put("workspace", record.workspace());
            answer.put("role", record.role());
            answer.put("description", record.description());
            answer.put("createdAt", record.createdAt());
            answer.put("token", ar.result().token());
            log.info("{} {} created {} token {} of workspace {}", caller.role(), caller.name(),
                record.role(), record.id(), record.workspace());
            HttpJson.send(ctx, 201, answer);
          } else if (ar.cause() instanceof IllegalArgumentException e) {
            HttpJson.error(ctx, 400, "bad_request", e.getMessage());
          } else if (ar.cause() instanceof KafkaUnavailableException e) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
            HttpJson.error(ctx, 503, "kafka_unavailable", e.getMessage());
          } else {
            log.error("token creation failed", ar.cause());
            HttpJson.error(ctx, 500, "internal_error", "the server failed unexpectedly; retry later");
          }
        });
  }

  private static String textOrNull(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException("fields of a token request are strings");
    }
    return node.textValue();
  }

  private static void failure(RoutingContext ctx) {
    if (ctx.failure() instanceof IllegalArgumentException e) {
      HttpJson.error(ctx, 400, "bad_request", e.getMessage());
    } else if (ctx.statusCode() == 413) {
      HttpJson.error(ctx, 413, "payload_too_large", "the body exceeds " + MAX_BODY_BYTES + " bytes");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      HttpJson.error(ctx, ctx.statusCode(), "bad_request", "the request could not be read");
    } else {
      log.error("token request failed", ctx.failure());
      HttpJson.error(ctx, 500, "internal_error", "the server failed unexpectedly; retry later");
    }
  }
}
