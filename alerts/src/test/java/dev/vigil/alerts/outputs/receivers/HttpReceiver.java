package dev.vigil.alerts.outputs.receivers;

import dev.vigil.edge.TlsMaterial;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP(S) receiver for output tests: records every request it answers 2xx to, can be stopped
 * and started again on the same port (a receiver that is down), or told to refuse with 503.
 */
public final class HttpReceiver implements AutoCloseable {
  /** One accepted request: lower-case header names, the raw body. */
  public record Request(String path, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final TlsMaterial tls;
  private final List<Request> accepted = new CopyOnWriteArrayList<>();
  private volatile boolean refusing;
  private HttpServer server;
  private int port;

  /** @param tls the server's certificate, or null for plain HTTP */
  public HttpReceiver(TlsMaterial tls) {
    this.tls = tls;
  }

  public synchronized HttpReceiver start() throws Exception {
    HttpServerOptions options = tls == null ? new HttpServerOptions() : tls.applyTo(new HttpServerOptions());
    options.setHost("127.0.0.1").setPort(port);
    server = vertx.createHttpServer(options).requestHandler(req -> req.body().onSuccess(body -> {
      if (refusing) {
        req.response().setStatusCode(503).end("down for maintenance");
        return;
      }
      Map<String, String> headers = new TreeMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
      accepted.add(new Request(req.path(), headers, body.getBytes()));
      req.response().setStatusCode(200).end("ok");
    })).listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = server.actualPort();
    return this;
  }

  /** Closes the listening socket: connections are refused until {@link #start} again. */
  public synchronized void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      server = null;
    }
  }

  public void refuse(boolean refuse) {
    this.refusing = refuse;
  }

  public String url(String path) {
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + port + path;
  }

  public List<Request> accepted() {
    return List.copyOf(accepted);
  }

  @Override
  public void close() throws Exception {
    stop();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
