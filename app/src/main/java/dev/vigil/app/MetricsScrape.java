package dev.vigil.app;

import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The Prometheus text of this process, rendered at most once per {@code maxAgeMillis}: with the
 * Kafka clients' gauges a scrape is a megabyte or more of text, and several scrapers (Prometheus,
 * the dashboard, a load generator) must not each pay for it. Callers run it on a worker thread,
 * never on a Vert.x event loop; concurrent callers wait for one render and share it.
 */
final class MetricsScrape {

  private final Supplier<String> render;
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;
  private String text;
  private long renderedAt;

  MetricsScrape(Supplier<String> render, long maxAgeMillis) {
    this(render, maxAgeMillis, System::nanoTime);
  }

  MetricsScrape(Supplier<String> render, long maxAgeMillis, LongSupplier nanoTime) {
    this.render = render;
    this.maxAgeNanos = maxAgeMillis * 1_000_000L;
    this.nanoTime = nanoTime;
  }

  /** Answers a scrape from a worker thread, never blocking the event loop that received it. */
  void serve(RoutingContext ctx) {
    ctx.vertx().executeBlocking(this::text, false)
        .onSuccess(body -> ctx.response()
            .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            .end(body))
        .onFailure(ctx::fail);
  }

  /** The latest text, rendered anew when older than the maximum age. */
  synchronized String text() {
    long now = nanoTime.getAsLong();
    if (text == null || now - renderedAt >= maxAgeNanos) {
      text = render.get();
      renderedAt = now;
    }
    return text;
  }
}
