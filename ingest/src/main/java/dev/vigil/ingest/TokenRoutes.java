package dev.vigil.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.ingest.identity.ClusterRegistry;
import dev.vigil.ingest.identity.RegistryUnavailableException;
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
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API token lifecycle. {@code POST /v1/tokens} creates a reader or admin API token and answers it
 * once ({@code 201 {"id","workspace","role","description","createdAt","expiresAt","token"}}), with an
 * optional expiry ({@code expiresAt}, an ISO-8601 instant, or {@code ttl}, an ISO-8601 duration).
 * {@code GET /v1/tokens} lists a workspace's tokens (never a secret or hash), paged by {@code limit}
 * and {@code cursor}; {@code DELETE /v1/tokens/{id}} revokes one at once (a tombstone every instance
 * follows).
 *
 * <p>An admin creates tokens of its own workspace. The admins of the {@value #OPERATOR_WORKSPACE}
 * workspace — the operator's, whose first token {@code vigil up} writes to its data directory — may
 * also create the tokens of any other workspace: that is how a new workspace gets its first admin.
 * The same rule decides whose tokens an admin lists and revokes; a token of a workspace the caller
 * may not manage is answered 404, as if it did not exist. Readers and cluster tokens get 403.
 */
public final class TokenRoutes {
  private static final Logger log = LoggerFactory.getLogger(TokenRoutes.class);

  public static final String PATH = "/v1/tokens";

  /** The workspace whose admins may create tokens of every workspace. */
  public static final String OPERATOR_WORKSPACE = "default";

  static final long MAX_BODY_BYTES = 16 * 1024;

  /** Longest {@code ttl} of a new token: ten years. */
  static final Duration MAX_TTL = Duration.ofDays(3650);

  /** What the token API tells a request without a valid token. */
  static final Authentication.Challenge CHALLENGE =
      Authentication.Challenge.of("send an admin API token as Authorization: Bearer <token>");

  private static final Set<String> FIELDS =
      Set.of("role", "workspace", "description", "expiresAt", "ttl");

  private TokenRoutes() {}

  public static void mount(Router router, CallerResolver callers, ClusterRegistry registry) {
    mount(router, callers, registry, WorkspaceQuotas.defaults());
  }

  /** Mounts the token routes with {@code quotas}' limit on tokens per workspace. */
  public static void mount(
      Router router, CallerResolver callers, ClusterRegistry registry, WorkspaceQuotas quotas) {
    Authentication authentication = Authentication.of(callers, CHALLENGE);
    router
        .route(HttpMethod.POST, PATH)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(authentication)
        .handler(ctx -> create(ctx, registry, quotas))
        .failureHandler(TokenRoutes::failure);
    router.route(HttpMethod.GET, PATH).handler(authentication).handler(ctx -> list(ctx, registry));
    router.route(HttpMethod.DELETE, PATH + "/:id")
        .handler(authentication)
        .handler(ctx -> revoke(ctx, registry));
    router.route(PATH).handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, "GET, POST");
      Answers.error(ctx, 405, "method_not_allowed", "this path accepts GET and POST");
    });
    router.route(PATH + "/:id").handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.ALLOW, "DELETE");
      Answers.error(ctx, 405, "method_not_allowed", "this path accepts DELETE");
    });
  }

  /** The authenticated caller when it is an admin; otherwise answers 403 and returns null. */
  private static Caller admin(RoutingContext ctx, String what) {
    Caller caller = Authentication.caller(ctx);
    if (!caller.isAdmin()) {
      Answers.error(ctx, 403, "forbidden", "only an admin may " + what + "; this is a "
          + caller.role() + " token");
      return null;
    }
    return caller;
  }

  private static void list(RoutingContext ctx, ClusterRegistry registry) {
    Caller caller = admin(ctx, "list API tokens");
    if (caller == null) {
      return;
    }
    String workspace = ctx.request().getParam("workspace");
    String target = workspace == null || workspace.isEmpty() ? caller.workspace() : workspace;
    if (!mayCreate(caller, target)) {
      Answers.error(ctx, 403, "forbidden",
          "an admin lists the tokens of its own workspace only; ask an admin of workspace '" + target
              + "' (or of '" + OPERATOR_WORKSPACE + "')");
      return;
    }
    Page page;
    try {
      page = Page.of(ctx);
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, "bad_request", e.getMessage());
      return;
    }
    List<ApiToken> tokens = page.apply(registry.apiTokens(target), ApiToken::id);
    List<Map<String, Object>> answer = new ArrayList<>();
    for (ApiToken token : tokens) {
      answer.add(describe(token, registry.lastUsed(token.id()).orElse(null)));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tokens", answer);
    body.put("count", answer.size());
    body.put("nextCursor", page.next(tokens, ApiToken::id));
    Answers.json(ctx, 200, body);
  }

  private static void revoke(RoutingContext ctx, ClusterRegistry registry) {
    Caller caller = admin(ctx, "revoke API tokens");
    if (caller == null) {
      return;
    }
    String id = ctx.pathParam("id");
    Optional<ApiToken> token = registry.apiToken(id);
    if (token.isEmpty() || !mayCreate(caller, token.get().workspace())) {
      Answers.error(ctx, 404, "not_found", "no API token with this id in a workspace you manage");
      return;
    }
    ctx.vertx()
        .executeBlocking(() -> registry.revokeApiToken(id), false)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            if (ar.result()) {
              log.info("{} {} revoked token {} of workspace {}", caller.role(), caller.name(), id,
                  token.get().workspace());
              Answers.noContent(ctx);
            } else {
              Answers.error(ctx, 404, "not_found", "no API token with this id in a workspace you manage");
            }
          } else if (ar.cause() instanceof RegistryUnavailableException e) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
            Answers.error(ctx, 503, "kafka_unavailable", e.getMessage());
          } else {
            log.error("token revocation failed: {}", ar.cause().toString());
            Answers.error(ctx, 500, "internal_error", "the server failed unexpectedly; retry later");
          }
        });
  }

  /** What an admin sees of a token: never the token or its hash. */
  static Map<String, Object> describe(ApiToken token, Instant lastUsed) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", token.id());
    answer.put("workspace", token.workspace());
    answer.put("role", token.role());
    answer.put("description", token.description());
    answer.put("createdAt", token.createdAt());
    answer.put("expiresAt", token.expiresAt());
    answer.put("lastUsedAt", lastUsed);
    return answer;
  }

  /** Whether {@code caller} may create tokens of {@code workspace}. */
  static boolean mayCreate(Caller caller, String workspace) {
    return caller.canWrite(workspace)
        || (caller.isAdmin() && OPERATOR_WORKSPACE.equals(caller.workspace()));
  }

  private static void create(RoutingContext ctx, ClusterRegistry registry, WorkspaceQuotas quotas) {
    Caller caller = admin(ctx, "create API tokens");
    if (caller == null) {
      return;
    }
    JsonNode body;
    try {
      body = Json.mapper().readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (JsonProcessingException e) {
      Answers.error(ctx, 400, "bad_request", "the body is not valid JSON: " + e.getOriginalMessage());
      return;
    } catch (IOException e) {
      Answers.error(ctx, 400, "bad_request", "the body could not be read");
      return;
    }
    if (body == null || !body.isObject()) {
      Answers.error(ctx, 400, "bad_request",
          "send a JSON object {\"role\":\"reader|admin\",\"workspace\":\"...\",\"description\":\"...\"}");
      return;
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        Answers.error(ctx, 400, "bad_request",
            "unknown field '" + name + "'; a token request has role, workspace, description and"
                + " either expiresAt or ttl");
        return;
      }
    }
    String role = textOrNull(body.get("role"));
    String workspace = textOrNull(body.get("workspace"));
    String description = textOrNull(body.get("description"));
    Instant expiresAt;
    try {
      expiresAt = expiry(textOrNull(body.get("expiresAt")), textOrNull(body.get("ttl")));
    } catch (IllegalArgumentException e) {
      Answers.error(ctx, 400, "bad_request", e.getMessage());
      return;
    }
    if (role == null) {
      Answers.error(ctx, 400, "bad_request", "\"role\" is required: reader or admin");
      return;
    }
    String target = workspace == null ? caller.workspace() : workspace;
    if (!mayCreate(caller, target)) {
      Answers.error(ctx, 403, "forbidden",
          "an admin creates tokens of its own workspace only; ask an admin of workspace '" + target
              + "' (or of '" + OPERATOR_WORKSPACE + "')");
      return;
    }
    if (registry.apiTokens(target).size() >= quotas.maxTokens()) {
      Answers.error(ctx, 422, "quota_exceeded", "workspace '" + target + "' holds "
          + quotas.maxTokens() + " API tokens, its quota: revoke unused ones (GET /v1/tokens lists"
          + " them with their last use) or ask the operator to raise --max-tokens");
      return;
    }
    ctx.vertx()
        .executeBlocking(
            () -> registry.createApiToken(target, role, description, expiresAt), false)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ApiToken record = ar.result().record();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", record.id());
            answer.put("workspace", record.workspace());
            answer.put("role", record.role());
            answer.put("description", record.description());
            answer.put("createdAt", record.createdAt());
            answer.put("expiresAt", record.expiresAt());
            answer.put("token", ar.result().token());
            log.info("{} {} created {} token {} of workspace {}", caller.role(), caller.name(),
                record.role(), record.id(), record.workspace());
            Answers.json(ctx, 201, answer);
          } else if (ar.cause() instanceof IllegalArgumentException e) {
            Answers.error(ctx, 400, "bad_request", e.getMessage());
          } else if (ar.cause() instanceof RegistryUnavailableException e) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
            Answers.error(ctx, 503, "kafka_unavailable", e.getMessage());
          } else {
            log.error("token creation failed", ar.cause());
            Answers.error(ctx, 500, "internal_error", "the server failed unexpectedly; retry later");
          }
        });
  }

  /** The expiry of a new token from {@code expiresAt} or {@code ttl} (not both); null for none. */
  static Instant expiry(String expiresAt, String ttl) {
    if (expiresAt != null && ttl != null) {
      throw new IllegalArgumentException("give either expiresAt or ttl, not both");
    }
    if (expiresAt != null) {
      try {
        return Instant.parse(expiresAt);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "expiresAt must be an ISO-8601 instant such as 2030-01-31T00:00:00Z");
      }
    }
    if (ttl != null) {
      Duration duration;
      try {
        duration = Duration.parse(ttl);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("ttl must be an ISO-8601 duration such as P30D or PT12H");
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("ttl must be positive");
      }
      if (duration.compareTo(MAX_TTL) > 0) {
        throw new IllegalArgumentException("ttl may be at most " + MAX_TTL.toDays() + " days");
      }
      return Instant.now().plus(duration);
    }
    return null;
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
      Answers.error(ctx, 400, "bad_request", e.getMessage());
    } else if (ctx.statusCode() == 413) {
      Answers.error(ctx, 413, "payload_too_large", "the body exceeds " + MAX_BODY_BYTES + " bytes");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Answers.error(ctx, ctx.statusCode(), "bad_request", "the request could not be read");
    } else {
      log.error("token request failed", ctx.failure());
      Answers.error(ctx, 500, "internal_error", "the server failed unexpectedly; retry later");
    }
  }
}
