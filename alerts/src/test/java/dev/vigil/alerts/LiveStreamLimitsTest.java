package dev.vigil.alerts;

import static dev.vigil.alerts.TestAlerts.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Severity;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The live stream's bounds against a real Vert.x server and raw sockets, with a scripted feed: slots
 * per token and per workspace, a reader that never reads, and event ids that reveal no position.
 */
class LiveStreamLimitsTest {
  private static final Instant T = Instant.parse("2024-05-01T12:00:00Z");
  private static final Map<String, Caller> TOKENS =
      Map.of(
          "reader-a1", new Caller("reader", "ws-a", "tok-a1"),
          "reader-a2", new Caller("reader", "ws-a", "tok-a2"),
          "reader-a3", new Caller("reader", "ws-a", "tok-a3"),
          "reader-b", new Caller("reader", "ws-b", "tok-b"));

  private final Map<String, Caller> revoked = new ConcurrentHashMap<>();
  private final List<StreamPosition> subscribedFrom = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private Vertx vertx;
  private HttpServer server;
  private LiveStreams streams;

  /** What the scripted feed sends to each new subscription, on its own thread. */
  private interface Script {
    void run(AlertFeed.Subscription self, AtomicBoolean open, java.util.function.Consumer<AlertFeed.Event> out);
  }

  private void start(LiveStreams.Settings settings, Script script) throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    CallerResolver callers =
        token -> revoked.containsKey(token) ? Optional.empty() : Optional.ofNullable(TOKENS.get(token));
    AlertFeed feed = (from, onEvent, onError) -> {
      subscribedFrom.add(from == null ? new StreamPosition(new long[0]) : from);
      AtomicBoolean open = new AtomicBoolean(true);
      AlertFeed.Subscription subscription = () -> open.set(false);
      Thread thread = new Thread(() -> script.run(subscription, open, onEvent), "test-feed");
      thread.setDaemon(true);
      thread.start();
      return subscription;
    };
    AlertQueries queries = new AlertQueries(() -> new InMemoryAlertStore());
    streams = AlertsRoutes.mount(router, callers, queries, change -> { }, feed, settings);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static final Script READY_ONLY =
      (self, open, out) -> out.accept(new AlertFeed.Event(null, new StreamPosition(new long[] {7, 3})));

  /** Opens a stream on a raw socket and returns the status line; the socket stays open. */
  private String open(String token, String lastEventId) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.actualPort());
    sockets.add(socket);
    socket.setSoTimeout(10_000);
    OutputStream out = socket.getOutputStream();
    out.write(("GET /v1/alerts/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n"
        + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readLine(socket.getInputStream());
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Reads a socket's stream until {@code count} event ids were seen. */
  private static List<String> eventIds(Socket socket, int count) throws IOException {
    List<String> ids = new ArrayList<>();
    InputStream in = socket.getInputStream();
    while (ids.size() < count) {
      String line = readLine(in);
      if (line.startsWith("id: ")) {
        ids.add(line.substring(4));
      }
    }
    return ids;
  }

  @Test
  void oneTokenCannotTakeEverySlotAndAnotherWorkspaceStillConnects() throws Exception {
    start(new LiveStreams.Settings(2, 3, 64 * 1024, StreamIds.random()), READY_ONLY);

    assertThat(open("reader-a1", null)).contains(" 200 ");
    assertThat(open("reader-a1", null)).contains(" 200 ");
    // The per-token limit + 1: refused, with Retry-After and a message naming the limit.
    Socket third = new Socket("127.0.0.1", server.actualPort());
    sockets.add(third);
    third.setSoTimeout(3_000);
    third.getOutputStream().write(("GET /v1/alerts/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer reader-a1\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    StringBuilder answer = new StringBuilder();
    InputStream in = third.getInputStream();
    int c;
    try {
      while (answer.indexOf("}") < 0 && (c = in.read()) != -1) {
        answer.append((char) c);
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("no complete answer: " + answer, e);
    }
    assertThat(answer.toString()).startsWith("HTTP/1.1 429").containsIgnoringCase("retry-after:")
        .contains("too_many_streams").contains("this token holds 2 live streams");
    // Another token of the same workspace takes its last slot; then the workspace is full.
    assertThat(open("reader-a2", null)).contains(" 200 ");
    assertThat(open("reader-a3", null)).contains(" 429 ");
    // Another workspace is not locked out.
    assertThat(open("reader-b", null)).contains(" 200 ");
    assertThat(streams.open()).isEqualTo(4);

    // Closing a stream frees its slot.
    sockets.get(0).close();
    await().atMost(Duration.ofSeconds(5)).until(() -> streams.open() == 3);
    assertThat(open("reader-a3", null)).contains(" 200 ");
  }

  @Test
  void aReaderThatNeverReadsIsCutOffWithABoundedBuffer() throws Exception {
    long buffer = 64 * 1024;
    AtomicInteger emitted = new AtomicInteger();
    AtomicBoolean feedStopped = new AtomicBoolean();
    String padding = "x".repeat(8 * 1024);
    Script flood = (self, open, out) -> {
      out.accept(new AlertFeed.Event(null, new StreamPosition(new long[] {0})));
      // As many alerts as a replay from an old Last-Event-ID could bring: 100,000 x ~9 KiB = ~900 MB.
      for (int i = 0; i < 100_000 && open.get(); i++) {
        Alert a = alert("ws-a", "prod-" + padding, Severity.High, AlertStatus.Active, T.plusSeconds(i));
        out.accept(new AlertFeed.Event(a, new StreamPosition(new long[] {i + 1})));
        emitted.incrementAndGet();
      }
      feedStopped.set(true);
    };
    start(new LiveStreams.Settings(4, 16, buffer, StreamIds.random()), flood);

    Socket socket = new Socket("127.0.0.1", server.actualPort());
    sockets.add(socket);
    socket.setReceiveBufferSize(4096);
    socket.getOutputStream().write(("GET /v1/alerts/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer reader-a1\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    // ... and never reads.

    await().atMost(Duration.ofSeconds(30)).until(() -> streams.cutOff() == 1);
    await().atMost(Duration.ofSeconds(10)).until(feedStopped::get);
    assertThat(streams.peakPendingBytes()).isLessThanOrEqualTo(buffer);
    // The feed was told to stop: far fewer alerts were read than the replay held.
    assertThat(emitted.get()).isLessThan(100_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> streams.open() == 0);
    System.out.printf("STREAM slow reader cut off after %d alerts; peak pending %d bytes (buffer %d)%n",
        emitted.get(), streams.peakPendingBytes(), buffer);
  }

  @Test
  void eventIdsRevealNoPositionAndStillResumeExactly() throws Exception {
    // Workspace b's alerts sit between a's in the topic: a's ids must not count them.
    Alert a1 = alert("ws-a", "prod", Severity.High, AlertStatus.Active, T);
    Alert b1 = alert("ws-b", "prod", Severity.High, AlertStatus.Active, T.plusSeconds(1));
    Alert a2 = alert("ws-a", "prod", Severity.Low, AlertStatus.Active, T.plusSeconds(2));
    Script script = (self, open, out) -> {
      out.accept(new AlertFeed.Event(null, new StreamPosition(new long[] {40, 17})));
      out.accept(new AlertFeed.Event(a1, new StreamPosition(new long[] {41, 17})));
      for (int i = 0; i < 500; i++) {
        out.accept(new AlertFeed.Event(b1, new StreamPosition(new long[] {42 + i, 17})));
      }
      out.accept(new AlertFeed.Event(a2, new StreamPosition(new long[] {542, 17})));
    };
    StreamIds ids = new StreamIds("the server's secret".getBytes(StandardCharsets.UTF_8));
    start(new LiveStreams.Settings(4, 16, 1024 * 1024, ids), script);

    assertThat(open("reader-a1", null)).contains(" 200 ");
    List<String> seen = eventIds(sockets.get(0), 3);
    for (String id : seen) {
      assertThat(id).startsWith("v1.").doesNotContain("40.17").doesNotContain("41.17").doesNotContain("542.17");
    }
    assertThat(seen).doesNotHaveDuplicates();
    // Equal length whatever the offsets: the length does not count other workspaces' alerts either.
    assertThat(seen.stream().map(String::length).distinct()).hasSize(1);

    // Resuming with the last id starts exactly after a2, as the position says.
    assertThat(open("reader-a2", seen.get(2))).contains(" 200 ");
    assertThat(subscribedFrom.get(1)).isEqualTo(new StreamPosition(new long[] {542, 17}));
    // A changed id is refused rather than read as some other position.
    String tampered = seen.get(2).substring(0, seen.get(2).length() - 2)
        + (seen.get(2).endsWith("A") ? "BB" : "AA");
    assertThat(open("reader-a3", tampered)).contains(" 400 ");
  }

  @Test
  void aRevokedTokenLosesItsOpenStream() throws Exception {
    start(new LiveStreams.Settings(4, 16, 64 * 1024, StreamIds.random()), READY_ONLY);
    assertThat(open("reader-b", null)).contains(" 200 ");
    InputStream in = sockets.get(0).getInputStream();
    eventIds(sockets.get(0), 1);

    revoked.put("reader-b", TOKENS.get("reader-b"));

    // The server ends the stream (chunked terminator, then the connection idles or closes).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    boolean ended = false;
    while (!ended && System.nanoTime() < deadline) {
      String line = readLine(in);
      ended = line.equals("0");
    }
    assertThat(ended).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> streams.open() == 0);
  }
}
