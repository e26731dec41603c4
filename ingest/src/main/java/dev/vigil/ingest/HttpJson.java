package dev.vigil.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.schemas.ApiError;
import dev.vigil.schemas.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON answers and {@link ApiError} bodies. */
final class HttpJson {
  private HttpJson() {}

  static void send(RoutingContext ctx, int status, Object body) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    String json;
    try {
      json = Json.mapper().writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + body.getClass().getSimpleName(), e);
    }
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(json);
  }

  static void error(RoutingContext ctx, int status, String code, String message) {
    send(ctx, status, new ApiError(code, message));
  }

  static void noContent(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (!response.ended() && !response.closed()) {
      response.setStatusCode(204).end();
    }
  }
}
