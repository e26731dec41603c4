package dev.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alerts.AlertsRoutes;
import dev.vigil.schemas.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads {@code GET /v1/alerts/stream} on a thread of its own until the server ends it or it is closed. */
final class AlertStream implements AutoCloseable {
  /** One server-sent event: its id, type and data. */
  record Event(String id, String type, JsonNode data) {}

  final List<Event> events = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile InputStream body;
  private volatile boolean ended;
  private volatile String failure;

  AlertStream(Https https, String token, String lastEventId) {
    reader = new Thread(() -> read(https, token, lastEventId), "alert-stream");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(Https https, String token, String lastEventId) {
    try {
      var request = https.request(AlertsRoutes.STREAM_PATH, token).timeout(java.time.Duration.ofHours(1));
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<InputStream> response = https.client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      body = response.body();
      if (response.statusCode() != 200) {
        failure = "status " + response.statusCode() + ": " + new String(body.readAllBytes(), StandardCharsets.UTF_8);
        return;
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String id = null;
        String type = null;
        String data = null;
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isEmpty()) {
            if (type != null) {
              events.add(new Event(id, type, data == null ? null : Json.mapper().readTree(data)));
            }
            id = null;
            type = null;
            data = null;
          } else if (line.startsWith("id: ")) {
            id = line.substring(4);
          } else if (line.startsWith("event: ")) {
            type = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data = line.substring(6);
          }
        }
      }
    } catch (Exception e) {
      // the server went away or the test closed the stream: what was read is in events
      failure = e.toString();
    } finally {
      ended = true;
    }
  }

  /**
   * A stream that has received its first event ({@code ready}), opened again while the server does not
   * answer within 20 s or refuses (a busy or starting server), for at most {@code timeout}.
   */
  static AlertStream open(Https https, String token, String lastEventId, java.time.Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      AlertStream stream = new AlertStream(https, token, lastEventId);
      long attemptEnd = Math.min(deadline, System.nanoTime() + 20_000_000_000L);
      while (stream.events.isEmpty() && !stream.ended && System.nanoTime() < attemptEnd) {
        Thread.sleep(100);
      }
      if (!stream.events.isEmpty()) {
        return stream;
      }
      stream.close();
      if (System.nanoTime() >= deadline) {
        throw new AssertionError("no event on the alert stream within " + timeout + ": " + stream.failure);
      }
    }
  }

  boolean ended() {
    return ended;
  }

  /** Why the stream stopped other than by its server ending it cleanly; null when it did. */
  String failure() {
    return failure;
  }

  /** The id of the last event received, what a client resumes from. */
  String lastId() {
    return events.isEmpty() ? null : events.get(events.size() - 1).id();
  }

  List<JsonNode> alerts() {
    return events.stream().filter(e -> e.type().equals("alert")).map(Event::data).toList();
  }

  @Override
  public void close() throws Exception {
    InputStream in = body;
    if (in != null) {
      in.close();
    }
    reader.interrupt();
  }

}
