package dev.vigil.alerts.table;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.AlertStoreUnavailableException;
import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.schemas.ApiToken;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin-managed definition APIs ({@code /v1/outputs}, {@code /v1/suppressions}) share:
 * authentication, roles (reads: reader or admin; writes: admin), JSON bodies, answers computed off the
 * event loop, and the error answers of the alerts API.
 */
public final class DefinitionRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DefinitionRoutes.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Largest accepted definition body. */
  public static final long MAX_BODY_BYTES = 64 * 1024;

  /** A failure the client caused, answered 400 (or {@code status}) with its message. */
  public static final class BadRequest extends RuntimeException {
    final int status;
    final String code;

    public BadRequest(String message) {
      this(400, "bad_request", message);
    }

    public BadRequest(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  private final Authentication authentication;
  private final String what;

  /** @param what what the routes manage, for messages ("outputs") */
  public DefinitionRoutes(CallerResolver callers, String what) {
    this.authentication = Authentication.of(callers, Authentication.Challenge.of(
        "send an API token as 'Authorization: Bearer <token>'")
        .unknownToken("the token is unknown or revoked; ask an admin for a new one")
        .invalidTokenError());
    this.what = what;
  }

  /** A new random id with {@code prefix}. */
  public static String newId(String prefix) {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }

  /** A handler answering what {@code action} returns for a caller allowed to read. */
  public interface Action {
    /** The answer body, or null for 204; throws {@link BadRequest} for client errors. */
    Object run(Caller caller, RoutingContext ctx) throws Exception;
  }

  /** Mounts {@code action} on {@code method path}; {@code admin}: only admins may call it. */
  public void route(Router router, io.vertx.core.http.HttpMethod method, String path, boolean admin,
      int status, Action action) {
    var route = router.route(method, path);
    if (method == io.vertx.core.http.HttpMethod.POST) {
      route.handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    }
    route.handler(authentication).handler(ctx -> handle(ctx, admin, status, action));
  }

  private void handle(RoutingContext ctx, boolean admin, int status, Action action) {
    Caller caller = Authentication.caller(ctx);
    boolean reads = ApiToken.ROLE_READER.equals(caller.role()) || caller.isAdmin();
    if (!reads || (admin && !caller.isAdmin())) {
      Answers.error(ctx, 403, "forbidden", (admin ? "changing " : "reading ") + what + " needs "
          + (admin ? "an admin" : "a reader or admin") + " token of the workspace; this is a " + caller.role() + " token");
      return;
    }
    ctx.vertx().executeBlocking((Callable<Object>) () -> action.run(caller, ctx), false).onComplete(result -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        return;
      }
      if (result.succeeded()) {
        if (result.result() == null) {
          Answers.noContent(ctx);
        } else {
          Answers.json(ctx, status, result.result());
        }
      } else if (result.cause() instanceof BadRequest e) {
        Answers.error(ctx, e.status, e.code, e.getMessage());
      } else if (result.cause() instanceof AlertStoreUnavailableException e) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        Answers.error(ctx, 503, "unavailable", e.getMessage());
      } else {
        LOG.error("{} request failed on {}", what, ctx.request().path(), result.cause());
        Answers.error(ctx, 500, "internal_error", "the request failed; see the server log");
      }
    });
  }

  /** The request body as a JSON object whose field names are all in {@code allowed}. */
  public static JsonNode object(RoutingContext ctx, Set<String> allowed) {
    JsonNode body;
    try {
      body = Json.mapper().readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (IOException e) {
      throw new BadRequest("the body is not valid JSON: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      throw new BadRequest("send a JSON object with the fields " + allowed);
    }
    body.fieldNames().forEachRemaining(name -> {
      if (!allowed.contains(name)) {
        throw new BadRequest("unknown field '" + name + "'; allowed: " + allowed);
      }
    });
    return body;
  }

  /** The text of field {@code name}, null when absent or null; at most {@code max} characters. */
  public static String text(JsonNode body, String name, int max) {
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || node.textValue().length() > max) {
      throw new BadRequest("\"" + name + "\" must be a string of at most " + max + " characters");
    }
    return node.textValue().isBlank() ? null : node.textValue().trim();
  }
}
