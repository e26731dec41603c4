package dev.vigil.ingest;

import dev.vigil.ingest.AuditBatchDecoder.DecodedBatch;
import dev.vigil.ingest.AuditBatchDecoder.Item;
import dev.vigil.ingest.admission.FairAdmission;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.VigilHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-agnostic core of the ingest gateway: decodes a body into events and writes them to
 * Kafka, answering only after Kafka acknowledged every record.
 *
 * <p>Valid events go to {@link Topics#AUDIT_RAW} keyed {@code workspace/cluster/username}; rejected
 * items go to {@link Topics#AUDIT_DLQ} with a {@code vigil-reason} header. Decoding and sending run on the
 * gateway's own worker threads, so {@link #accept} never blocks its caller (a Vert.x event loop).
 *
 * <p>Metrics: {@code vigil.ingest.events{result=accepted|rejected}}, {@code
 * vigil.ingest.requests{status}} (counted by the HTTP adapter), {@code vigil.ingest.inflight.bytes}.
 */
public final class IngestGateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestGateway.class);

  /**
   * Largest single event forwarded. Kafka's default record limit is 1 MiB; a larger event is rejected
   * to the dead-letter topic (its first bytes only) rather than failing the whole request forever.
   */
  static final int MAX_EVENT_BYTES = 1_000_000;

  /** Bytes of an over-large event kept on its dead-letter record. */
  static final int DLQ_TRUNCATED_BYTES = 64 * 1024;

  private final Producer<String, byte[]> producer;
  private final IngestLimits limits;
  private final AuditBatchDecoder decoder;
  private final MeterRegistry registry;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final AtomicLong inFlightBytes = new AtomicLong();

  /**
   * When Kafka last failed a request, in {@link System#nanoTime()} units, or 0 while it works. While
   * set, one request at a time goes through as a probe and every other one is refused at once:
   * otherwise each would hold a worker for {@code max.block.ms} and its client for the ack timeout.
   */
  private final AtomicLong unavailableSince = new AtomicLong();

  private final AtomicBoolean probing = new AtomicBoolean();

  /** Whether any broker answers, probed in the background; null for a gateway given its producer. */
  private final BrokerHealth health;

  /** Requests waiting for Kafka: answered 503 at once when {@link #health} finds Kafka down. */
  private final Set<CompletableFuture<IngestResult>> waiting = ConcurrentHashMap.newKeySet();

  /** Per-cluster admission while detection is behind; null when the process runs without it. */
  private volatile FairAdmission admission;
  private final Counter acceptedEvents;
  private final Counter rejectedEvents;

  /**
   * Creates a gateway with its own Kafka producer.
   *
   * @param kafkaClientConfig common Kafka client settings: at least {@code bootstrap.servers}, plus any
   *     security settings; the gateway adds its producer settings on top
   */
  public IngestGateway(
      Map<String, Object> kafkaClientConfig, IngestLimits limits, MeterRegistry registry) {
    this(new KafkaProducer<>(producerConfig(kafkaClientConfig, limits)), limits, registry,
        Admin.create(healthConfig(kafkaClientConfig)));
  }

  IngestGateway(Producer<String, byte[]> producer, IngestLimits limits, MeterRegistry registry) {
    this(producer, limits, registry, null);
  }

  private IngestGateway(
      Producer<String, byte[]> producer, IngestLimits limits, MeterRegistry registry, Admin healthAdmin) {
    this.producer = producer;
    this.limits = limits;
    this.registry = registry;
    this.decoder = new AuditBatchDecoder(limits.maxBodyBytes());
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemonThreads("vigil-ingest-worker-"));
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(1, daemonThreads("vigil-ingest-timer-"));
    scheduler.setRemoveOnCancelPolicy(true);
    this.timer = scheduler;
    this.health = healthAdmin == null ? null : new BrokerHealth(healthAdmin, scheduler, this::kafkaDown);
    this.acceptedEvents =
        Counter.builder("vigil.ingest.events")
            .description("Audit events received, by outcome")
            .tag("result", "accepted")
            .register(registry);
    this.rejectedEvents =
        Counter.builder("vigil.ingest.events")
            .description("Audit events received, by outcome")
            .tag("result", "rejected")
            .register(registry);
    Gauge.builder("vigil.ingest.inflight.bytes", inFlightBytes, AtomicLong::get)
        .description("Event bytes waiting for Kafka acknowledgement")
        .baseUnit("bytes")
        .register(registry);
  }

  private static Map<String, Object> healthConfig(Map<String, Object> base) {
    Map<String, Object> config = new HashMap<>(base);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "vigil-ingest-health");
    return config;
  }

  /**
   * Kafka stopped answering: every request still waiting is answered now rather than at the ack
   * timeout, and from now on each one is refused at once until a request gets through again.
   */
  private void kafkaDown() {
    unavailableSince.compareAndSet(0, System.nanoTime());
    for (CompletableFuture<IngestResult> request : waiting) {
      request.completeExceptionally(
          new KafkaUnavailableException(
              "Kafka stopped answering while these events waited for its acknowledgement: some may "
                  + "have been written, so a retry may duplicate them; retry later",
              null));
    }
  }

  /**
   * The producer settings: idempotent, {@code acks=all}, lz4, a short {@code max.block.ms} so a dead
   * broker is noticed in seconds, and a bounded delivery timeout.
   */
  static Map<String, Object> producerConfig(Map<String, Object> base, IngestLimits limits) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-ingest");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    // The gateway's own in-flight bound refuses requests before the producer buffer could fill and
    // block a sender thread.
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, limits.maxInFlightBytes() + 32L * 1024 * 1024);
    // The operator's settings (security, tuning) win over the defaults above...
    config.putAll(base);
    // ...but not over what "answered 200 means durable" rests on.
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return config;
  }

  /**
   * Decodes {@code body} and writes its events to Kafka on behalf of {@code cluster}.
   *
   * @param gzip whether the body is gzip-compressed ({@code Content-Encoding: gzip})
   * @param cluster the authenticated cluster; must be a cluster caller
   * @param receivedMs when the request arrived, epoch millis; written as {@code vigil-received-ms}
   * @return completes after Kafka acknowledged every record, or exceptionally with a {@link
   *     MalformedBodyException}, {@link PayloadTooLargeException}, {@link GatewayOverloadedException}
   *     or {@link KafkaUnavailableException}
   */
  public CompletableFuture<IngestResult> accept(
      byte[] body, boolean gzip, Caller cluster, long receivedMs) {
    return accept(body, gzip, cluster, receivedMs, false);
  }

  /**
   * As {@link #accept(byte[], boolean, Caller, long)}; with {@code backfill} every raw record also
   * carries {@link VigilHeaders#BACKFILL} {@code true}: history, judged by detection's backfill
   * horizon.
   */
  public CompletableFuture<IngestResult> accept(
      byte[] body, boolean gzip, Caller cluster, long receivedMs, boolean backfill) {
    if (cluster == null || !cluster.isCluster()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("only a cluster caller can send audit events"));
    }
    long silent = health == null ? 0 : health.downSince();
    if (silent != 0) {
      // No broker answers: refuse before sending anything, without a probe request that would wait.
      return refusedAtOnce("Kafka has not answered for ", silent);
    }
    long down = unavailableSince.get();
    boolean probe = false;
    if (down != 0) {
      if (!probing.compareAndSet(false, true)) {
        return refusedAtOnce("Kafka has not acknowledged events for ", down);
      }
      probe = true;
    }
    long reserved = body.length;
    if (!tryReserve(reserved)) {
      endProbe(probe);
      return CompletableFuture.failedFuture(
          new GatewayOverloadedException(inFlightBytes.get(), limits.maxInFlightBytes()));
    }
    CompletableFuture<IngestResult> result = new CompletableFuture<>();
    boolean isProbe = probe;
    waiting.add(result);
    result.whenComplete(
        (r, e) -> {
          waiting.remove(result);
          if (e == null) {
            FairAdmission fair = admission;
            if (fair != null) {
              fair.accepted(admissionKey(cluster), r.accepted(), System.nanoTime());
            }
            if (unavailableSince.getAndSet(0) != 0) {
              log.info("Kafka acknowledges events again; the gateway accepts requests");
            }
          } else if (e instanceof KafkaUnavailableException) {
            if (unavailableSince.compareAndSet(0, System.nanoTime())) {
              log.warn(
                  "Kafka is unavailable ({}); refusing requests with 503 until a probe succeeds",
                  e.getMessage());
            }
          }
          endProbe(isProbe);
        });
    try {
      workers.execute(() -> process(body, gzip, cluster, receivedMs, backfill, reserved, result));
    } catch (RejectedExecutionException e) {
      release(reserved);
      result.completeExceptionally(
          new KafkaUnavailableException("the ingest gateway is shutting down", e));
      return result;
    }
    var deadline =
        timer.schedule(
            () ->
                result.completeExceptionally(
                    new KafkaUnavailableException(
                        "Kafka did not acknowledge the events within "
                            + limits.ackTimeout().toMillis()
                            + " ms: some may have been written, so a retry may duplicate them; "
                            + "retry later",
                        null)),
            limits.ackTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    result.whenComplete((r, e) -> deadline.cancel(false));
    return result;
  }

  /** A 503 answered before anything of the request went to the producer: a retry duplicates nothing. */
  private static CompletableFuture<IngestResult> refusedAtOnce(String what, long sinceNanos) {
    return CompletableFuture.failedFuture(
        new KafkaUnavailableException(
            what
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos)
                + " s; nothing of this request was written; retry later",
            null));
  }

  private void endProbe(boolean probe) {
    if (probe) {
      probing.set(false);
    }
  }

  /** Admits clusters by their fair share while detection is behind (see {@link FairAdmission}). */
  public void useAdmission(FairAdmission fairAdmission) {
    this.admission = fairAdmission;
  }

  /**
   * Whether {@code cluster} may send now.
   *
   * @return 0 to go ahead, otherwise the seconds it should wait before retrying
   */
  public long admissionWait(Caller cluster) {
    FairAdmission fair = admission;
    return fair == null ? 0 : fair.admit(admissionKey(cluster), System.nanoTime());
  }

  /**
   * Whether {@code cluster} may send history ({@code backfill}) now: backfill is the lowest
   * priority, refused before any live request is (see {@link FairAdmission#admitBackfill}).
   *
   * @return 0 to go ahead, otherwise the seconds it should wait before retrying
   */
  public long backfillWait(Caller cluster) {
    FairAdmission fair = admission;
    return fair == null ? 0 : fair.admitBackfill(admissionKey(cluster));
  }

  /** Whether clusters over their share are refused now because detection is behind. */
  public boolean throttling() {
    FairAdmission fair = admission;
    return fair != null && fair.throttling();
  }

  private static String admissionKey(Caller cluster) {
    return cluster.workspace() + "/" + cluster.name();
  }

  /** Whether the last request Kafka failed has not yet been followed by one it acknowledged. */
  public boolean kafkaUnavailable() {
    return unavailableSince.get() != 0;
  }

  /** Bytes currently waiting to be decoded or acknowledged by Kafka. */
  public long inFlightBytes() {
    return inFlightBytes.get();
  }

  /** Counts one answered HTTP request by status; the adapter calls it for every answer. */
  void countRequest(int status) {
    registry.counter("vigil.ingest.requests", "status", Integer.toString(status)).increment();
  }

  IngestLimits limits() {
    return limits;
  }

  private void process(
      byte[] body,
      boolean gzip,
      Caller cluster,
      long receivedMs,
      boolean backfill,
      long reservedForBody,
      CompletableFuture<IngestResult> result) {
    DecodedBatch batch;
    try {
      batch = decoder.decode(body, gzip);
    } catch (IngestException e) {
      release(reservedForBody);
      result.completeExceptionally(e);
      return;
    } catch (RuntimeException e) {
      release(reservedForBody);
      log.error("unexpected failure decoding a body of {} bytes", body.length, e);
      result.completeExceptionally(e);
      return;
    }
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(batch.items().size());
    List<IngestResult.Rejection> errors = new ArrayList<>();
    int accepted = 0;
    int rejected = 0;
    long recordBytes = 0;
    for (Item item : batch.items()) {
      String reason = item.rejectReason();
      byte[] value = item.json();
      if (reason == null && value.length > MAX_EVENT_BYTES) {
        reason =
            "the event is "
                + value.length
                + " bytes, more than the "
                + MAX_EVENT_BYTES
                + "-byte limit of one Kafka record (dead-letter record keeps the first "
                + DLQ_TRUNCATED_BYTES
                + " bytes)";
      }
      if (value.length > MAX_EVENT_BYTES) {
        value = Arrays.copyOf(value, DLQ_TRUNCATED_BYTES);
      }
      // Cluster names are unique per workspace: the key names both, so per-principal state downstream
      // never mixes two workspaces' clusters of one name.
      String key = ClusterKeys.rawKey(cluster.workspace(), cluster.name(), item.username());
      RecordHeaders headers = new RecordHeaders();
      headers.add(VigilHeaders.CLUSTER, utf8(cluster.name()));
      headers.add(VigilHeaders.WORKSPACE, utf8(cluster.workspace()));
      headers.add(VigilHeaders.RECEIVED_MS, utf8(Long.toString(receivedMs)));
      if (backfill) {
        headers.add(VigilHeaders.BACKFILL, utf8("true"));
      }
      String topic;
      if (reason == null) {
        topic = Topics.AUDIT_RAW.name();
        accepted++;
      } else {
        topic = Topics.AUDIT_DLQ.name();
        headers.add(VigilHeaders.REASON, utf8(reason));
        rejected++;
        if (errors.size() < limits.maxReportedErrors()) {
          errors.add(new IngestResult.Rejection(item.index(), reason));
        }
      }
      recordBytes += value.length;
      records.add(new ProducerRecord<>(topic, null, key, value, headers));
    }
    // Hand over the reservation from the body to the records, which may be larger (gzip).
    release(reservedForBody);
    if (!tryReserve(recordBytes)) {
      result.completeExceptionally(
          new GatewayOverloadedException(inFlightBytes.get(), limits.maxInFlightBytes()));
      return;
    }
    IngestResult outcome = new IngestResult(accepted, rejected, errors);
    send(records, recordBytes, outcome, result);
  }

  private void send(
      List<ProducerRecord<String, byte[]>> records,
      long recordBytes,
      IngestResult outcome,
      CompletableFuture<IngestResult> result) {
    // One extra count for this method, so completion cannot run before every send was attempted.
    AtomicInteger pending = new AtomicInteger(records.size() + 1);
    AtomicReference<Exception> failure = new AtomicReference<>();
    Runnable finish =
        () -> {
          release(recordBytes);
          Exception e = failure.get();
          if (e != null) {
            result.completeExceptionally(
                new KafkaUnavailableException(
                    "Kafka did not accept the events (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + "): some may have been written, so a retry may "
                        + "duplicate them; retry later",
                    e));
          } else {
            acceptedEvents.increment(outcome.accepted());
            rejectedEvents.increment(outcome.rejected());
            result.complete(outcome);
          }
        };
    int attempted = 0;
    for (ProducerRecord<String, byte[]> record : records) {
      if (failure.get() != null) {
        break;
      }
      try {
        producer.send(
            record,
            (metadata, exception) -> {
              if (exception != null) {
                failure.compareAndSet(null, exception);
              }
              if (pending.decrementAndGet() == 0) {
                finish.run();
              }
            });
      } catch (KafkaException | IllegalStateException e) {
        // send() throws when metadata cannot be fetched within max.block.ms: the broker is down.
        failure.compareAndSet(null, e);
        break;
      }
      attempted++;
    }
    if (pending.addAndGet(-(records.size() - attempted) - 1) == 0) {
      finish.run();
    }
  }

  private boolean tryReserve(long bytes) {
    while (true) {
      long current = inFlightBytes.get();
      // A single request may always proceed on an idle gateway, whatever its size.
      if (current > 0 && current + bytes > limits.maxInFlightBytes()) {
        return false;
      }
      if (inFlightBytes.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  private void release(long bytes) {
    inFlightBytes.addAndGet(-bytes);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops accepting, waits briefly for records in flight, and closes the producer. */
  @Override
  public void close() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
    if (health != null) {
      health.close();
    }
    producer.close(Duration.ofSeconds(5));
    timer.shutdownNow();
  }
}
