package dev.vigil.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.schemas.ApiError;
import dev.vigil.schemas.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The one writer of the HTTP API's JSON answers and of its error answers: every route answers an error
 * with {@link #error}, so every error is {@code {"error":"<code>","message":"<what to do>"}} ({@link
 * ApiError}) with the same headers. An answer to a request that was already answered, or whose
 * connection closed, is dropped.
 */
public final class Answers {
  /** The media type of every JSON answer. */
  public static final String JSON = "application/json";

  private Answers() {}

  /**
   * Answers {@code status} with the error body.
   *
   * @param code short machine-readable code, e.g. {@code unauthorized}
   * @param message what went wrong and what the client should do about it
   */
  public static void error(RoutingContext ctx, int status, String code, String message) {
    json(ctx, status, new ApiError(code, message));
  }

  /** Answers {@code status} with {@code body} written by the one configured Jackson mapper. */
  public static void json(RoutingContext ctx, int status, Object body) {
    String json;
    try {
      json = Json.mapper().writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + body.getClass().getSimpleName(), e);
    }
    send(ctx, status, json);
  }

  /** Answers {@code status} with {@code json}, already encoded. */
  public static void send(RoutingContext ctx, int status, String json) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(json);
  }

  /** Answers 204 without a body. */
  public static void noContent(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (!response.ended() && !response.closed()) {
      response.setStatusCode(204).end();
    }
  }
}
