package dev.vigil.edge;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The security headers of every answer. API answers are data, never documents: {@link #api()} forbids
 * them everything a browser could do with a document; pages replace that policy with their own
 * ({@link #page}).
 */
public final class SecurityHeaders {
  private SecurityHeaders() {}

  /** For every answer: no sniffing, HTTPS only, not cached, no referrer, no framing, no content. */
  public static Handler<RoutingContext> api() {
    return ctx -> {
      ctx.response()
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Strict-Transport-Security", "max-age=31536000")
          .putHeader("Cache-Control", "no-store")
          .putHeader("Referrer-Policy", "no-referrer")
          .putHeader("X-Frame-Options", "DENY")
          .putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      ctx.next();
    };
  }

  /** For a page and its assets: {@code contentSecurityPolicy} and a browsing context of its own. */
  public static Handler<RoutingContext> page(String contentSecurityPolicy) {
    return ctx -> {
      ctx.response()
          .putHeader("Content-Security-Policy", contentSecurityPolicy)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer")
          .putHeader("X-Frame-Options", "DENY")
          .putHeader("Cross-Origin-Opener-Policy", "same-origin");
      ctx.next();
    };
  }
}
