package dev.vigil.app;

import dev.vigil.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A retrying ingest client: threads that each send batches of test-alert events (each raises or
 * updates {@code K8S_TestAlert}) and re-send a batch until it is answered 200, whatever happens in
 * between (503, connection refused, a killed server). It records what was acknowledged and how every
 * refusal was answered.
 */
final class LoadClient implements AutoCloseable {
  /** One answer other than 200: its status (0 for an I/O error), time, and whether Retry-After came. */
  record Refusal(long atNanos, int status, long micros, boolean retryAfter) {}

  /** The {@code seq}-th event of client thread {@code thread}. */
  interface Events {
    byte[] create(int thread, long seq);
  }

  /** Every event a test-alert event of the same namespace: they all raise or update one alert. */
  static final Events ONE_ALERT = (thread, seq) -> TestAlertEvent.create("load-" + thread + "-" + (seq % 3), Instant.now());

  private final Https https;
  private final String token;
  private final int batchSize;
  private final Duration retryDelay;
  private final Events events;
  private volatile Duration pause = Duration.ZERO;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;
  private volatile long hardDeadlineNanos = Long.MAX_VALUE;
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong eventsSent = new AtomicLong();
  final List<Refusal> refusals = Collections.synchronizedList(new ArrayList<>());
  final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
  final AtomicLong lastOkNanos = new AtomicLong();

  LoadClient(Https https, String token, int threadCount, int batchSize, Duration retryDelay) {
    this(https, token, threadCount, batchSize, retryDelay, ONE_ALERT);
  }

  LoadClient(Https https, String token, int threadCount, int batchSize, Duration retryDelay, Events events) {
    this.events = events;
    this.https = https;
    this.token = token;
    this.batchSize = batchSize;
    this.retryDelay = retryDelay;
    for (int t = 0; t < threadCount; t++) {
      int id = t;
      Thread thread = new Thread(() -> run(id), "load-client-" + t);
      thread.setDaemon(true);
      threads.add(thread);
    }
  }

  /** Waits {@code between} after each acknowledged batch: a steady stream rather than flat out. */
  LoadClient paced(Duration between) {
    this.pause = between;
    return this;
  }

  LoadClient start() {
    threads.forEach(Thread::start);
    return this;
  }

  private void run(int id) {
    long seq = 0;
    while (!stopping) {
      List<String> ids = new ArrayList<>();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (int i = 0; i < batchSize; i++) {
        byte[] event = events.create(id, seq++);
        try {
          ids.add(Json.mapper().readTree(event).path("auditID").asText());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        body.writeBytes(event);
        body.write('\n');
      }
      byte[] bytes = body.toByteArray();
      // Re-send the same batch until it is acknowledged: the client side of "nothing is lost".
      while (System.nanoTime() < hardDeadlineNanos) {
        requests.incrementAndGet();
        eventsSent.addAndGet(ids.size());
        long start = System.nanoTime();
        int status;
        long micros;
        boolean retryAfter = false;
        try {
          Https.Answer answer = https.send(https.request("/v1/audit", token)
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
          status = answer.status();
          micros = answer.micros();
          retryAfter = answer.header("Retry-After") != null;
        } catch (IOException e) {
          status = 0;
          micros = (System.nanoTime() - start) / 1000;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        byStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        if (status == 200) {
          acknowledged.addAll(ids);
          lastOkNanos.set(System.nanoTime());
          if (!pause.isZero()) {
            try {
              Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          break;
        }
        refusals.add(new Refusal(start, status, micros, retryAfter));
        try {
          Thread.sleep(retryDelay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops after each thread's batch in hand is acknowledged, or gives up at {@code timeout}. */
  void stop(Duration timeout) throws InterruptedException {
    stopping = true;
    hardDeadlineNanos = System.nanoTime() + timeout.toNanos();
    for (Thread t : threads) {
      t.join(timeout.toMillis() + 5_000);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(1));
  }
}
