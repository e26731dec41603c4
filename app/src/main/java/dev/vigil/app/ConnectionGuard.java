package dev.vigil.app;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the connections of the HTTPS port: at most {@code maxConnections} open (a connection beyond
 * it is closed as soon as it is accepted), and none waiting longer than {@code headerTimeout} for a
 * request's headers — a slow-headers (slowloris) client, or a keep-alive connection idle between
 * requests. A request whose headers arrived is not timed here: its body has the ingest body timeout,
 * a live stream its keepalives, and every connection the server's idle timeout.
 *
 * <p>A sweep every {@link #SWEEP} looks at each connection, so a connection is closed between
 * {@code headerTimeout} and {@code headerTimeout + SWEEP} after it started waiting.
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  static final Duration SWEEP = Duration.ofMillis(500);

  /** One open connection: the response in progress (null while waiting for headers) and since when it waits. */
  private static final class State {
    volatile HttpServerResponse current;
    volatile long waitingSince = System.nanoTime();
  }

  private final int maxConnections;
  private final long headerTimeoutNanos;
  private final Map<HttpConnection, State> open = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private long timer = -1;

  ConnectionGuard(int maxConnections, Duration headerTimeout) {
    this.maxConnections = maxConnections;
    this.headerTimeoutNanos = headerTimeout.toNanos();
  }

  /** Starts the sweep on {@code vertx}. */
  void start(Vertx vertx) {
    timer = vertx.setPeriodic(SWEEP.toMillis(), t -> sweep());
  }

  void stop(Vertx vertx) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** For {@code HttpServer.connectionHandler}: counts the connection, or closes it when too many are open. */
  void opened(HttpConnection connection) {
    if (open.size() >= maxConnections) {
      long n = refused.incrementAndGet();
      if (n == 1 || Long.bitCount(n) == 1) {
        LOG.warn("Closed a new connection from {}: {} connections are open, the limit (--max-connections);"
            + " {} refused so far", connection.remoteAddress(), maxConnections, n);
      }
      connection.close();
      return;
    }
    open.put(connection, new State());
    connection.closeHandler(v -> open.remove(connection));
  }

  /** Wraps the server's request handler so that a request's arrival stops its connection's header clock. */
  Handler<HttpServerRequest> wrap(Handler<HttpServerRequest> handler) {
    return request -> {
      State state = open.get(request.connection());
      if (state != null) {
        state.current = request.response();
      }
      handler.handle(request);
    };
  }

  int openConnections() {
    return open.size();
  }

  long refused() {
    return refused.get();
  }

  long timedOut() {
    return timedOut.get();
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<HttpConnection, State> entry : open.entrySet()) {
      State state = entry.getValue();
      HttpServerResponse response = state.current;
      if (response != null) {
        if (response.ended() || response.closed()) {
          state.current = null;
          state.waitingSince = now;
        }
        continue;
      }
      if (now - state.waitingSince > headerTimeoutNanos) {
        timedOut.incrementAndGet();
        open.remove(entry.getKey());
        entry.getKey().close();
      }
    }
  }
}
