package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first run against a JDK HTTP server standing in for the gateway's wire contract: rotated
 * files go as backfill ({@code ?backfill=true}), a deferred backfill batch (429 + Retry-After) is
 * retried, and the live file goes as live events, never mixed in one request.
 */
class AgentFirstRunTest {

  @TempDir Path dir;

  record Request(String query, List<String> lines) {}

  @Test
  void rotatedFilesAreSentAsBackfillThenTheLiveFileAsLive() throws Exception {
    Files.writeString(dir.resolve("audit-2025-01-01T00-00-00.000.log"), "{\"n\":1}\n{\"n\":2}\n");
    dir.resolve("audit-2025-01-01T00-00-00.000.log").toFile().setLastModified(1_000_000L);
    Files.writeString(dir.resolve("audit.log"), "{\"n\":3}\n");
    Path token = Files.writeString(dir.resolve("token"), "vgc_test\n");
    List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean deferredOnce = new AtomicBoolean();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/audit", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      List<String> lines = gunzip(exchange.getRequestBody());
      byte[] answer;
      if ("backfill=true".equals(query) && deferredOnce.compareAndSet(false, true)) {
        exchange.getResponseHeaders().add("Retry-After", "1");
        answer = "{\"error\":\"backfill_deferred\",\"message\":\"later\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(429, answer.length);
      } else {
        requests.add(new Request(query, lines));
        answer = ("{\"accepted\":" + lines.size() + ",\"rejected\":0}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, answer.length);
      }
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    Agent agent = new Agent(AgentConfig.parse(new String[] {
        "--server", "http://127.0.0.1:" + server.getAddress().getPort(),
        "--token-file", token.toString(),
        "--path", dir.resolve("audit.log").toString(),
        "--state-dir", dir.resolve("state").toString(),
        "--max-batch-wait", "PT0.1S", "--poll-interval", "PT0.05S"}));
    Thread thread = new Thread(() -> {
      try {
        agent.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    thread.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (agent.linesAcknowledged() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } finally {
      agent.stop();
      assertThat(agent.awaitFinished(Duration.ofSeconds(10))).isTrue();
      server.stop(0);
    }
    assertThat(deferredOnce).isTrue();
    assertThat(requests).containsExactly(
        new Request("backfill=true", List.of("{\"n\":1}", "{\"n\":2}")),
        new Request(null, List.of("{\"n\":3}")));
  }

  private static List<String> gunzip(InputStream body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new GZIPInputStream(body)) {
      in.transferTo(out);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
