package dev.vigil.alerts.incidents;

import dev.vigil.alerts.AlertStoreUnavailableException;
import dev.vigil.edge.Answers;
import dev.vigil.schemas.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request from a store query run on a Vert.x worker thread, never on the event loop: 200
 * with the value as JSON, 404 when empty, 503 with {@code Retry-After} while the store is not
 * queryable, 500 otherwise.
 */
public final class OffLoop {
  private static final Logger LOG = LoggerFactory.getLogger(OffLoop.class);

  private OffLoop() {}

  /** Runs {@code query} off the event loop and answers with its value. */
  public static void answer(RoutingContext ctx, Callable<Optional<?>> query, String notFound) {
    ctx.vertx()
        .executeBlocking(() -> query.call().map(OffLoop::encode).orElse(null), false)
        .onComplete(result -> {
          if (ctx.response().ended() || ctx.response().closed()) {
            return;
          }
          if (result.failed()) {
            fail(ctx, result.cause());
          } else if (result.result() == null) {
            Answers.error(ctx, 404, "not_found", notFound);
          } else {
            Answers.send(ctx, 200, result.result());
          }
        });
  }

  /** Answers a failed store read or write: 503 with {@code Retry-After} when the store or Kafka is not ready, else 500. */
  public static void fail(RoutingContext ctx, Throwable cause) {
    if (cause instanceof AlertStoreUnavailableException e) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      Answers.error(ctx, 503, "unavailable", "the store is loading, retry shortly (" + e.getMessage() + ")");
    } else {
      LOG.error("request failed on {}", ctx.request().path(), cause);
      Answers.error(ctx, 500, "internal_error", "the request failed; see the server log");
    }
  }

  private static String encode(Object value) {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }
}
