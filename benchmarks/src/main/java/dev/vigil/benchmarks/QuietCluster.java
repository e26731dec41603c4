package dev.vigil.benchmarks;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The quiet cluster of the {@code noisy-neighbour} workload: it sends {@code vigil simulate}'s test
 * request ({@code list pods} in {@code asc-alerttest-662jfi039n}) every interval, one event per
 * request, and follows {@code /v1/alerts/stream} filtered to its {@code K8S_TestAlert}s as an analyst
 * would. Each request has its own audit ID and timestamp; all of them fold into one alert (the
 * fingerprint is cluster, type and namespace), so a request is visible when an alert update's end
 * time reaches its timestamp. Latency is from the first send attempt (a throttled request waits, as
 * the cluster's own would) to the arrival of that update on the stream.
 */
final class QuietCluster implements AutoCloseable {

  private final AuditPoster poster;
  private final HttpClient client;
  private final URI stream;
  private final String apiToken;
  private final Duration interval;
  private final Tracker tracker = new Tracker();
  private final AtomicLong throttled = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final CountDownLatch streamReady = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile Stream<String> lines;
  private volatile Thread sender;
  private Thread follower;

  QuietCluster(HttpClient client, URI server, String clusterToken, String clusterName,
      String apiToken, Duration interval) {
    this.client = client;
    this.poster = new AuditPoster(client, server, clusterToken);
    this.stream = server.resolve("/v1/alerts/stream?type=K8S_TestAlert&cluster="
        + URLEncoder.encode(clusterName, StandardCharsets.UTF_8));
    this.apiToken = apiToken;
    this.interval = interval;
  }

  /** Follows the alert stream; returns once the server said where the stream starts. */
  void follow() throws InterruptedException {
    follower = new Thread(this::followStream, "load-quiet-follower");
    follower.setDaemon(true);
    follower.start();
    if (!streamReady.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the alert stream " + stream + " did not start within 30 s");
    }
  }

  /** Starts sending one test request per interval until {@link #stopSending}. */
  void startSending() {
    tracker.resetStep();
    Thread t = new Thread(this::sendLoop, "load-quiet-sender");
    t.setDaemon(true);
    sender = t;
    t.start();
  }

  void stopSending() throws InterruptedException {
    Thread t = sender;
    sender = null;
    if (t != null) {
      t.join(TimeUnit.MINUTES.toMillis(6));
    }
  }

  Tracker tracker() {
    return tracker;
  }

  long throttled() {
    return throttled.get();
  }

  long refused() {
    return refused.get();
  }

  private void sendLoop() {
    Thread me = Thread.currentThread();
    long next = System.nanoTime();
    while (sender == me && !closed) {
      Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      String event = EventMix.testAlertRequest("quiet-" + UUID.randomUUID(), at);
      byte[] body = EventMix.gzipEventList(List.of(event));
      try {
        // Registered before the answer: the alert may be on the stream before the 200 is read.
        tracker.sent(at, at.toEpochMilli());
        AuditPoster.Outcome outcome =
            poster.post(body, System.nanoTime() + AuditPoster.MAX_RETRY_AFTER.toNanos());
        throttled.addAndGet(outcome.throttled());
        if (!outcome.delivered() || outcome.acceptedEvents() != 1) {
          tracker.cancel(at);
          refused.incrementAndGet();
        }
        next += interval.toNanos();
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        } else {
          next = System.nanoTime(); // a throttled request took longer than the interval
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void followStream() {
    String lastEventId = null;
    while (!closed) {
      HttpRequest.Builder request = HttpRequest.newBuilder(stream)
          .header("Authorization", "Bearer " + apiToken)
          .header("Accept", "text/event-stream");
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      try {
        HttpResponse<Stream<String>> response =
            client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
          response.body().close();
          throw new IOException("alert stream answered " + response.statusCode());
        }
        lines = response.body();
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.startsWith("id: ")) {
            lastEventId = line.substring(4).trim();
            streamReady.countDown();
          } else if (line.startsWith("data: ") && line.length() > 8) {
            Alert alert = Json.mapper().readValue(line.substring(6), Alert.class);
            tracker.observed(alert.endTimeUtc(), alert.count(), System.currentTimeMillis());
          }
        }
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          System.err.println("quiet cluster: alert stream interrupted (" + e + "); reconnecting");
        }
      } catch (InterruptedException e) {
        return;
      }
      if (!closed) {
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopSending();
    closed = true;
    Stream<String> open = lines;
    if (open != null) {
      open.close();
    }
  }

  /**
   * Matches accepted test requests with the alert updates that show them. Requests are sent one at a
   * time with increasing timestamps; an update whose end time is at or after a request's timestamp
   * shows that request (and every earlier one). Thread-safe.
   */
  static final class Tracker {
    private final Deque<long[]> pending = new ArrayDeque<>(); // {event time ms, sent ms}
    private final List<Long> latencies = new ArrayList<>();
    private long sentInStep;
    private long matchedTotal;
    private long sentTotal;
    private long countOffset = Long.MIN_VALUE;
    private long countMismatches;
    private long lastCount;

    synchronized void resetStep() {
      latencies.clear();
      sentInStep = 0;
    }

    synchronized void sent(Instant eventTime, long sentMs) {
      pending.addLast(new long[] {eventTime.toEpochMilli(), sentMs});
      sentInStep++;
      sentTotal++;
    }

    /** The request of {@code eventTime} was not accepted after all: it will never be shown. */
    synchronized void cancel(Instant eventTime) {
      if (pending.removeIf(request -> request[0] == eventTime.toEpochMilli())) {
        sentInStep--;
        sentTotal--;
      }
    }

    /**
     * An update of the alert: every pending request up to {@code endTime} is visible at {@code atMs}.
     * Its count must be the requests shown so far plus whatever the alert counted before this run
     * (learned from the first update); anything else is a duplicate or a lost event.
     */
    synchronized void observed(Instant endTime, long count, long atMs) {
      if (endTime == null) {
        return;
      }
      while (!pending.isEmpty() && pending.peekFirst()[0] <= endTime.toEpochMilli()) {
        long[] request = pending.pollFirst();
        latencies.add(atMs - request[1]);
        matchedTotal++;
      }
      if (countOffset == Long.MIN_VALUE) {
        countOffset = count - matchedTotal;
      } else if (count != countOffset + matchedTotal) {
        countMismatches++;
      }
      lastCount = count;
    }

    /** Latencies (ms) of the requests sent since the last {@link #resetStep} and shown so far. */
    synchronized List<Long> latencies() {
      return new ArrayList<>(latencies);
    }

    synchronized long sentInStep() {
      return sentInStep;
    }

    synchronized long pending() {
      return pending.size();
    }

    /** Alert updates whose count did not match the requests they showed. */
    synchronized long countMismatches() {
      return countMismatches;
    }

    /** What the alert counted before this run's first request; 0 for a new cluster. */
    synchronized long countBefore() {
      return countOffset == Long.MIN_VALUE ? 0 : countOffset;
    }

    synchronized long lastCount() {
      return lastCount;
    }

    synchronized long sentTotal() {
      return sentTotal;
    }
  }
}
