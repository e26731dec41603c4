package dev.vigil.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditPosterTest {

  /** Status, Retry-After (or null) and body of each answer in turn; the last one repeats. */
  private record Answer(int status, String retryAfter, String body) {}

  private final Deque<Answer> answers = new ArrayDeque<>();
  private final List<byte[]> received = new CopyOnWriteArrayList<>();
  private final List<String> tokens = new CopyOnWriteArrayList<>();
  private HttpServer server;

  private URI start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/audit", exchange -> {
      received.add(exchange.getRequestBody().readAllBytes());
      tokens.add(exchange.getRequestHeaders().getFirst("Authorization"));
      Answer answer;
      synchronized (answers) {
        answer = answers.size() > 1 ? answers.pollFirst() : answers.peekFirst();
      }
      if (answer.retryAfter() != null) {
        exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
      }
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void a429IsWaitedOutForItsRetryAfterAndTheSameBatchSentAgain() throws Exception {
    answers.add(new Answer(429, "1", "{\"error\":\"rate_limited\"}"));
    answers.add(new Answer(200, null, "{\"accepted\":400,\"rejected\":0}"));
    AuditPoster poster = new AuditPoster(HttpClient.newHttpClient(), start(), "vgc_a");
    byte[] batch = EventMix.gzipEventList(List.of(EventMix.marker("1", Instant.now())));

    long started = System.nanoTime();
    AuditPoster.Outcome outcome = poster.post(batch, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertEquals(new AuditPoster.Outcome(400, 1, 0, 200), outcome);
    assertEquals(2, received.size());
    assertArrayEquals(batch, received.get(0));
    assertArrayEquals(batch, received.get(1));
    assertEquals(List.of("Bearer vgc_a", "Bearer vgc_a"), tokens);
    assertTrue(waitedMs >= 1_000, "retried after " + waitedMs + " ms, before Retry-After");
  }

  @Test
  void a503WithoutRetryAfterIsRetriedAfterTheDefaultAndOtherErrorsAreFinal() throws Exception {
    answers.add(new Answer(503, null, "{\"error\":\"overloaded\"}"));
    answers.add(new Answer(400, null, "{\"error\":\"bad_request\"}"));
    AuditPoster poster = new AuditPoster(HttpClient.newHttpClient(), start(), "vgc_b");

    AuditPoster.Outcome outcome =
        poster.post(new byte[] {1}, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));

    assertEquals(new AuditPoster.Outcome(0, 1, 0, 400), outcome);
    assertEquals(2, received.size(), "a 400 is not retried");
  }

  @Test
  void aWaitThatWouldEndAfterTheDeadlineIsNotStarted() throws Exception {
    answers.add(new Answer(429, "120", "{}"));
    AuditPoster poster = new AuditPoster(HttpClient.newHttpClient(), start(), "vgc_c");

    AuditPoster.Outcome outcome =
        poster.post(new byte[] {1}, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));

    assertEquals(new AuditPoster.Outcome(0, 1, 0, 0), outcome);
    assertTrue(!outcome.delivered());
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDateWithinBounds() {
    Instant now = Instant.parse("2026-12-01T10:00:00Z");
    assertEquals(Duration.ofSeconds(7), AuditPoster.retryAfter("7", now));
    assertEquals(Duration.ofSeconds(30), AuditPoster.retryAfter("Tue, 01 Dec 2026 10:00:30 GMT", now));
    assertEquals(Duration.ZERO, AuditPoster.retryAfter("Tue, 01 Dec 2026 09:00:00 GMT", now));
    assertEquals(AuditPoster.MAX_RETRY_AFTER, AuditPoster.retryAfter("86400", now));
    assertEquals(AuditPoster.DEFAULT_RETRY_AFTER, AuditPoster.retryAfter(null, now));
    assertEquals(AuditPoster.DEFAULT_RETRY_AFTER, AuditPoster.retryAfter("soon", now));
  }
}
