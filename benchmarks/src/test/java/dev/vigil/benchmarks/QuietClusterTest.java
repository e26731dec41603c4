package dev.vigil.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QuietClusterTest {

  private final BlockingQueue<String> updates = new LinkedBlockingQueue<>();
  private final List<String> auditIds = new CopyOnWriteArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private HttpServer server;
  private long count;

  /** A gateway that alerts every test request at once, and an alert stream that shows it. */
  private URI start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/v1/audit", exchange -> {
      seen.add("POST " + exchange.getRequestHeaders().getFirst("Authorization"));
      JsonNode event;
      try (GZIPInputStream in = new GZIPInputStream(exchange.getRequestBody())) {
        event = Json.mapper().readTree(in).get("items").get(0);
      }
      auditIds.add(event.get("auditID").textValue());
      synchronized (this) {
        count++;
        updates.add(String.format("{\"id\":\"a1\",\"alertType\":\"K8S_TestAlert\",\"cluster\":\"quiet-1\","
            + "\"endTimeUtc\":\"%s\",\"count\":%d}", event.get("stageTimestamp").textValue(), count));
      }
      answer(exchange, 200, "{\"accepted\":1,\"rejected\":0}");
    });
    server.createContext("/v1/alerts/stream", exchange -> {
      seen.add("GET " + exchange.getRequestURI().getQuery() + " "
          + exchange.getRequestHeaders().getFirst("Authorization"));
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write("retry: 2000\n\nid: 0\nevent: ready\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        for (int id = 1; ; id++) {
          String alert = updates.poll(100, TimeUnit.MILLISECONDS);
          if (alert != null) {
            out.write(("id: " + id + "\nevent: alert\ndata: " + alert + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
        }
      } catch (InterruptedException | IOException e) {
        // the client went away
      }
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    executor.shutdownNow();
  }

  @Test
  void everyTestRequestIsSentWithTheQuietTokenAndTimedUntilItsAlertUpdateIsOnTheStream()
      throws Exception {
    URI url = start();
    try (QuietCluster quiet = new QuietCluster(HttpClient.newHttpClient(), url, "vgc_quiet",
        "quiet-1", "vga_reader", Duration.ofMillis(150))) {
      quiet.follow();
      quiet.startSending();
      Thread.sleep(1_000);
      quiet.stopSending();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (quiet.tracker().pending() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      QuietCluster.Tracker tracker = quiet.tracker();
      assertTrue(tracker.sentInStep() >= 4, "sent " + tracker.sentInStep());
      assertEquals(tracker.sentInStep(), tracker.latencies().size());
      assertEquals(0, tracker.countMismatches());
      assertEquals(0, tracker.countBefore());
      assertEquals(tracker.sentInStep(), auditIds.stream().distinct().count(), "distinct audit IDs");
      assertTrue(tracker.latencies().stream().allMatch(ms -> ms >= 0 && ms < 2_000), tracker.latencies().toString());
    }
    assertEquals("GET type=K8S_TestAlert&cluster=quiet-1 Bearer vga_reader", seen.get(0));
    assertTrue(seen.subList(1, seen.size()).stream().allMatch("POST Bearer vgc_quiet"::equals), seen.toString());
  }

  @Test
  void anUpdateShowsEveryRequestUpToItsEndTimeAndACountOffByOneIsReported() {
    QuietCluster.Tracker tracker = new QuietCluster.Tracker();
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    tracker.sent(t0, 1_000);
    tracker.sent(t0.plusSeconds(2), 3_000);
    tracker.sent(t0.plusSeconds(4), 5_000);
    // The alert existed before with count 10; one update coalesces the first two requests.
    tracker.observed(t0.plusSeconds(2), 12, 3_500);
    assertEquals(List.of(2_500L, 500L), tracker.latencies());
    assertEquals(1, tracker.pending());
    assertEquals(10, tracker.countBefore());
    // The third request counted twice (a duplicate).
    tracker.observed(t0.plusSeconds(4), 14, 6_000);
    assertEquals(List.of(2_500L, 500L, 1_000L), tracker.latencies());
    assertEquals(1, tracker.countMismatches());
    tracker.resetStep();
    assertEquals(List.of(), tracker.latencies());
  }
}
