package dev.vigil.benchmarks;

import dev.vigil.ingest.TlsMaterial;
import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end load generator: posts gzip'd {@code EventList} batches over HTTPS to a running Vigil and
 * reports what came out. See {@code benchmarks/README.md} for the options and how to read the report.
 *
 * <p>For each offered rate (events/s, {@code 0} = flat out) it sends for a fixed duration from N
 * connections, then waits for detection to drain, and reports accepted and processed events/s, alert
 * latency of marker events (test-alert requests in namespaces of their own, one alert each) from
 * send, the server's own histogram from gateway receipt, the CPU of the Vigil process, and whether
 * every accepted marker raised exactly one alert. Afterwards it measures the raw Kafka ceiling of the
 * same broker: the same records produced and consumed without Vigil.
 *
 * <p>Without {@code --url} it is self-contained: it starts a broker in this JVM and {@code vigil up
 * --kafka-bootstrap} from the same class path in a child JVM on a temporary directory, registers a
 * cluster, and stops both at the end. It only ever talks to 127.0.0.1 in that mode.
 */
public final class LoadGenerator {

  static final int BATCH = 400;
  private static final int BODY_POOL = 48;
  private static final String TEST_ALERT = "K8S_TestAlert";
  private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");
  private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

  record Options(
      URI url,
      Path tokenFile,
      Path caFile,
      String kafkaBootstrap,
      int connections,
      List<Integer> rates,
      Duration duration,
      double alertingFraction,
      double markersPerSecond,
      Duration drainTimeout,
      long ceilingRecords,
      int streamThreads,
      List<String> vigilJvmOptions,
      Path csv,
      Duration warmup,
      Path kafkaConfig) {

    static Options parse(String[] args) {
      Map<String, List<String>> values = new HashMap<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (!arg.startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --option value, got " + arg + "\n" + USAGE);
        }
        values.computeIfAbsent(arg.substring(2), k -> new ArrayList<>()).add(args[++i]);
      }
      Set<String> known =
          Set.of("url", "token-file", "ca-file", "kafka-bootstrap", "connections", "rate", "duration",
              "alerting-fraction", "markers-per-second", "drain-timeout", "ceiling-records",
              "stream-threads", "vigil-jvm-option", "csv", "warmup", "kafka-config");
      for (String key : values.keySet()) {
        if (!known.contains(key)) {
          throw new IllegalArgumentException("unknown option --" + key + "\n" + USAGE);
        }
      }
      List<Integer> rates = new ArrayList<>();
      for (String rate : one(values, "rate", "0").split(",")) {
        rates.add(Integer.parseInt(rate.trim()));
      }
      String url = one(values, "url", null);
      Options options =
          new Options(
              url == null ? null : URI.create(url),
              path(one(values, "token-file", null)),
              path(one(values, "ca-file", null)),
              one(values, "kafka-bootstrap", null),
              Integer.parseInt(one(values, "connections", "4")),
              rates,
              Duration.parse("PT" + one(values, "duration", "30s").toUpperCase(Locale.ROOT)),
              Double.parseDouble(one(values, "alerting-fraction", "0.01")),
              Double.parseDouble(one(values, "markers-per-second", "5")),
              Duration.parse("PT" + one(values, "drain-timeout", "60s").toUpperCase(Locale.ROOT)),
              Long.parseLong(one(values, "ceiling-records", "400000")),
              Integer.parseInt(one(values, "stream-threads", "1")),
              values.getOrDefault("vigil-jvm-option", List.of()),
              path(one(values, "csv", null)),
              Duration.parse("PT" + one(values, "warmup", "20s").toUpperCase(Locale.ROOT)),
              path(one(values, "kafka-config", null)));
      if (options.url != null
          && (options.tokenFile == null || options.caFile == null || options.kafkaBootstrap == null)) {
        throw new IllegalArgumentException(
            "--url needs --token-file, --ca-file and --kafka-bootstrap\n" + USAGE);
      }
      if (options.connections < 1 || options.connections > 64) {
        throw new IllegalArgumentException("--connections must be within 1..64");
      }
      if (options.duration.compareTo(Duration.ofMinutes(10)) > 0
          || options.warmup.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("--duration and --warmup are bounded to 10 minutes");
      }
      if (options.ceilingRecords > 5_000_000) {
        throw new IllegalArgumentException("--ceiling-records is bounded to 5,000,000");
      }
      return options;
    }

    private static String one(Map<String, List<String>> values, String key, String fallback) {
      List<String> given = values.get(key);
      return given == null ? fallback : given.get(given.size() - 1);
    }

    private static Path path(String value) {
      return value == null ? null : Path.of(value);
    }
  }

  static final String USAGE =
      "usage: java -cp benchmarks.jar dev.vigil.benchmarks.LoadGenerator [--rate 0|N[,N...]]"
          + " [--duration 30s] [--connections 4] [--alerting-fraction 0.01] [--markers-per-second 5]"
          + " [--drain-timeout 60s] [--ceiling-records 400000] [--stream-threads 1]"
          + " [--vigil-jvm-option OPT]... [--csv FILE] [--warmup 20s]"
          + " [--url https://127.0.0.1:8443 --token-file F --ca-file CA --kafka-bootstrap HOST:PORT"
          + " [--kafka-config DATA/kafka/client.properties]]";

  /** What one offered rate gave. */
  record StepResult(
      int offeredRate,
      double seconds,
      long acceptedEvents,
      long refusedRequests,
      double acceptedPerSecond,
      double processedPerSecond,
      double drainSeconds,
      long markersSent,
      long markersAlerted,
      long markerDuplicates,
      Percentiles fromSend,
      Percentiles fromReceipt,
      double vigilCpuCores,
      double loadAverage) {}

  /** p50, p99 and max in milliseconds; NaN when there was no sample. */
  record Percentiles(double p50, double p99, double max, long samples) {
    static Percentiles of(List<Long> values) {
      if (values.isEmpty()) {
        return new Percentiles(Double.NaN, Double.NaN, Double.NaN, 0);
      }
      List<Long> sorted = new ArrayList<>(values);
      Collections.sort(sorted);
      return new Percentiles(
          at(sorted, 0.50), at(sorted, 0.99), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static double at(List<Long> sorted, double q) {
      int index = (int) Math.ceil(q * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
  }

  private final Options options;
  private final URI url;
  private final List<String> tokens;
  private final SSLContext tls;
  private final String bootstrap;
  /** Client properties from {@code --kafka-config} (a {@code vigil up} broker's credentials), or none. */
  private final Properties kafkaSecurity = new Properties();
  private final ProcessHandle vigilProcess;
  private final EventMix mix;
  private final List<byte[]> bodies = new ArrayList<>();
  private final List<List<String>> bodyEvents = new ArrayList<>();
  private final Map<String, Long> markerSentMs = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> markerAlertIds = new ConcurrentHashMap<>();
  private final Map<String, Long> markerPublishedMs = new ConcurrentHashMap<>();
  private final AtomicLong markerDuplicates = new AtomicLong();
  private final AtomicLong markerSequence = new AtomicLong();

  LoadGenerator(
      Options options,
      List<String> corpus,
      URI url,
      List<String> tokens,
      SSLContext tls,
      String bootstrap,
      ProcessHandle vigil) {
    this.options = options;
    this.url = url;
    this.tokens = tokens;
    this.tls = tls;
    this.bootstrap = bootstrap;
    if (options.kafkaConfig() != null) {
      try (var in = Files.newInputStream(options.kafkaConfig())) {
        kafkaSecurity.load(in);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read --kafka-config " + options.kafkaConfig(), e);
      }
    }
    this.vigilProcess = vigil;
    this.mix = new EventMix(corpus, options.alertingFraction(), 42);
    Instant now = Instant.now();
    for (int i = 0; i < BODY_POOL; i++) {
      List<String> events = mix.batch(BATCH, now);
      bodyEvents.add(events);
      bodies.add(EventMix.gzipEventList(events));
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    // Read first: a missing corpus fails before anything starts.
    List<String> corpus = BenchmarkCorpus.events();
    if (options.url() != null) {
      String token = Files.readString(options.tokenFile()).trim();
      SSLContext tls = TlsMaterial.clientContextTrusting(options.caFile());
      new LoadGenerator(options, corpus, options.url(), List.of(token), tls,
          options.kafkaBootstrap(), null).run();
      return;
    }
    Path dir = Files.createTempDirectory("vigil-load");
    try {
      runSelfContained(options, corpus, dir);
    } finally {
      // vigil.out is kept when the start failed, so the message can point at it.
      deleteTree(dir);
    }
  }

  private static void runSelfContained(Options options, List<String> corpus, Path dir)
      throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        ChildVigil vigil = ChildVigil.start(dir, kafka.bootstrapServers(), options)) {
      System.out.printf("Vigil (pid %d) ready at %s, broker %s in this JVM%n",
          vigil.process().pid(), vigil.url(), kafka.bootstrapServers());
      SSLContext tls = TlsMaterial.clientContextTrusting(vigil.caFile());
      // One cluster per connection, as a backend serving several clusters sees it (and each
      // cluster token has its own ingest rate limit).
      List<String> clusterTokens = new ArrayList<>();
      for (int c = 0; c < options.connections(); c++) {
        clusterTokens.add(registerCluster(vigil.url(), vigil.adminToken(), tls));
      }
      new LoadGenerator(options, corpus, vigil.url(), clusterTokens, tls, kafka.bootstrapServers(),
          vigil.process().toHandle()).run();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir.resolve("server.url"))) {
      return; // never started: keep vigil.out for the error message
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  void run() throws Exception {
    List<StepResult> results = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread alertReader = new Thread(() -> readAlerts(stop), "load-alert-reader");
    alertReader.setDaemon(true);
    alertReader.start();
    Thread.sleep(2_000); // the reader has its partitions and end offsets before the first marker
    try {
      if (!options.warmup().isZero()) {
        // JIT, Streams tasks and transactions settle here; the figures are not reported.
        StepResult warm = step(Math.max(1_000, options.rates().get(0)), options.warmup());
        System.out.printf(Locale.ROOT, "warm-up: %,.0f events/s for %.0f s, drained in %.1f s (not reported)%n",
            warm.acceptedPerSecond(), warm.seconds(), warm.drainSeconds());
      }
      for (int rate : options.rates()) {
        StepResult result = step(rate, options.duration());
        results.add(result);
        print(result);
        appendCsv(result);
      }
    } finally {
      stop.set(true);
      alertReader.join(10_000);
    }
    Ceiling ceiling = ceiling();
    System.out.printf(Locale.ROOT,
        "raw Kafka ceiling on this broker: %,d records of the same mix produced (lz4, acks=all, idempotent)"
            + " and consumed concurrently in %.1f s = %,.0f records/s (produce alone finished at %,.0f/s)%n",
        ceiling.records(), ceiling.seconds(), ceiling.perSecond(), ceiling.producePerSecond());
    double best = 0;
    for (StepResult r : results) {
      best = Math.max(best, Math.min(r.acceptedPerSecond(), r.processedPerSecond()));
    }
    System.out.printf(Locale.ROOT,
        "best sustained end-to-end rate %,.0f events/s = %.0f%% of the raw Kafka ceiling%n",
        best, 100 * best / ceiling.perSecond());
  }

  // ---------------------------------------------------------------------------------------------
  // One offered rate

  private StepResult step(int rate, Duration duration) throws Exception {
    markerSentMs.clear();
    markerAlertIds.clear();
    markerPublishedMs.clear();
    markerDuplicates.set(0);
    Map<String, Double> before = scrape();
    long cpuBefore = cpuNanos(before);
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong slots = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long intervalNanos = rate <= 0 ? 0 : (long) (1e9 * BATCH / rate);
    long markerIntervalNanos = (long) (1e9 / Math.max(0.01, options.markersPerSecond()));
    AtomicLong nextMarker = new AtomicLong(start);
    List<Thread> senders = new ArrayList<>();
    for (int c = 0; c < options.connections(); c++) {
      int connection = c;
      Thread sender =
          new Thread(
              () -> send(tokens.get(connection % tokens.size()), end, intervalNanos, start, slots,
                  nextMarker, markerIntervalNanos, accepted, refused),
              "load-sender-" + c);
      sender.start();
      senders.add(sender);
    }
    for (Thread sender : senders) {
      sender.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Double> atEnd = scrape();
    long cpuAtEnd = cpuNanos(atEnd);
    double processedDuring = detectionEvents(atEnd) - detectionEvents(before);
    // Drain: detection has read everything accepted, and every accepted marker alerted.
    long drainStart = System.nanoTime();
    long drainDeadline = drainStart + options.drainTimeout().toNanos();
    Map<String, Double> now = atEnd;
    while (System.nanoTime() < drainDeadline
        && (detectionEvents(now) - detectionEvents(before) < ingested(now) - ingested(before)
            || markerPublishedMs.size() < markerSentMs.size())) {
      Thread.sleep(200);
      now = scrape();
    }
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    Thread.sleep(1_500); // a late duplicate alert would show up here
    now = scrape();

    List<Long> fromSend = new ArrayList<>();
    for (Map.Entry<String, Long> marker : markerSentMs.entrySet()) {
      Long published = markerPublishedMs.get(marker.getKey());
      if (published != null) {
        fromSend.add(published - marker.getValue());
      }
    }
    long duplicates = markerDuplicates.get();
    for (Set<String> ids : markerAlertIds.values()) {
      duplicates += ids.size() - 1;
    }
    return new StepResult(
        rate,
        seconds,
        accepted.get(),
        refused.get(),
        accepted.get() / seconds,
        processedDuring / seconds,
        drainSeconds,
        markerSentMs.size(),
        markerPublishedMs.keySet().stream().filter(markerSentMs::containsKey).count(),
        duplicates,
        Percentiles.of(fromSend),
        histogramPercentiles(before, now),
        cpuBefore < 0 || cpuAtEnd < 0 ? Double.NaN : (cpuAtEnd - cpuBefore) / 1e9 / seconds,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private void send(
      String token,
      long end,
      long intervalNanos,
      long start,
      AtomicLong slots,
      AtomicLong nextMarker,
      long markerIntervalNanos,
      AtomicLong accepted,
      AtomicLong refused) {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    URI audit = url.resolve("/v1/audit");
    while (true) {
      long slot = slots.getAndIncrement();
      if (intervalNanos > 0) {
        long at = start + slot * intervalNanos;
        long wait = at - System.nanoTime();
        if (wait > 0) {
          sleepNanos(wait);
        }
      }
      long now = System.nanoTime();
      if (now >= end) {
        return;
      }
      byte[] body;
      String markerId = null;
      long markerAt = nextMarker.get();
      if (now >= markerAt && nextMarker.compareAndSet(markerAt, now + markerIntervalNanos)) {
        markerId = Long.toString(markerSequence.incrementAndGet()) + "-"
            + UUID.randomUUID().toString().substring(0, 8);
        body = markerBody(markerId);
      } else {
        body = bodies.get((int) (slot % bodies.size()));
      }
      HttpRequest request =
          HttpRequest.newBuilder(audit)
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .header("Content-Encoding", "gzip")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      long sentMs = System.currentTimeMillis();
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          Matcher m = ACCEPTED.matcher(response.body());
          accepted.addAndGet(m.find() ? Long.parseLong(m.group(1)) : 0);
          if (markerId != null) {
            markerSentMs.put(markerId, sentMs);
          }
        } else {
          refused.incrementAndGet();
          sleepNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
      } catch (IOException e) {
        refused.incrementAndGet();
        sleepNanos(TimeUnit.MILLISECONDS.toNanos(100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private byte[] markerBody(String markerId) {
    List<String> events;
    synchronized (mix) {
      events = mix.batch(BATCH - 1, Instant.now());
    }
    events.add(EventMix.marker(markerId, Instant.now()));
    return EventMix.gzipEventList(events);
  }

  private static void sleepNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Marker alerts, read from vigil.alerts.v1

  private void readAlerts(AtomicBoolean stop) {
    Properties props = new Properties();
    props.putAll(kafkaSecurity);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, Alert> consumer =
        new KafkaConsumer<>(
            props,
            Topics.ALERTS.keySerde().deserializer(),
            Topics.ALERTS.valueSerde().deserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(Topics.ALERTS.name())) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      while (!stop.get()) {
        for (ConsumerRecord<String, Alert> record : consumer.poll(Duration.ofMillis(100))) {
          Alert alert = record.value();
          if (alert == null || !TEST_ALERT.equals(alert.alertType())) {
            continue;
          }
          String marker = markerOf(alert);
          if (marker == null) {
            continue;
          }
          markerAlertIds.computeIfAbsent(marker, k -> ConcurrentHashMap.newKeySet()).add(alert.id());
          if (markerPublishedMs.putIfAbsent(marker, record.timestamp()) != null
              || alert.count() != 1) {
            // The same marker alert published again, or counting more than its one event.
            markerDuplicates.incrementAndGet();
          }
        }
      }
    }
  }

  private static String markerOf(Alert alert) {
    if (alert.entities() == null) {
      return null;
    }
    for (Entity entity : alert.entities()) {
      if ("namespace".equals(entity.type())
          && entity.name() != null
          && entity.name().startsWith(EventMix.MARKER_PREFIX)) {
        return entity.name().substring(EventMix.MARKER_PREFIX.length());
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Server metrics

  private Map<String, Double> scrape() throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(url.resolve("/metrics")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      try {
        samples.merge(line.substring(0, space), Double.parseDouble(line.substring(space + 1)),
            Double::sum);
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        // not a sample line
      }
    }
    return samples;
  }

  private static double sum(Map<String, Double> samples, String metric) {
    double total = 0;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      String name = e.getKey();
      if (name.equals(metric) || name.startsWith(metric + "{")) {
        total += e.getValue();
      }
    }
    return total;
  }

  private static double detectionEvents(Map<String, Double> samples) {
    return sum(samples, "vigil_detection_events_total");
  }

  private static double ingested(Map<String, Double> samples) {
    double total = 0;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      if (e.getKey().startsWith("vigil_ingest_events_total{") && e.getKey().contains("accepted")) {
        total += e.getValue();
      }
    }
    return total;
  }

  private long cpuNanos(Map<String, Double> samples) {
    if (vigilProcess != null) {
      return vigilProcess.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
    double seconds = sum(samples, "process_cpu_time_ns_total");
    return seconds > 0 ? (long) seconds : -1;
  }

  /** p50/p99/max of {@code vigil_alert_latency_seconds} over the step, from its bucket counts. */
  private static Percentiles histogramPercentiles(Map<String, Double> before, Map<String, Double> after) {
    Map<Double, Double> buckets = new TreeMap<>();
    for (Map.Entry<String, Double> e : after.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("vigil_alert_latency_seconds_bucket{")) {
        continue;
      }
      Matcher le = Pattern.compile("le=\"([^\"]+)\"").matcher(name);
      if (!le.find()) {
        continue;
      }
      double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
      double delta = e.getValue() - before.getOrDefault(name, 0.0);
      buckets.merge(bound, delta, Double::sum);
    }
    double total = buckets.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (total <= 0) {
      return new Percentiles(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    return new Percentiles(
        1000 * bucketAt(buckets, 0.50 * total),
        1000 * bucketAt(buckets, 0.99 * total),
        1000 * sum(after, "vigil_alert_latency_seconds_max"),
        (long) total);
  }

  private static double bucketAt(Map<Double, Double> cumulative, double rank) {
    for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
      if (e.getValue() >= rank) {
        return e.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  // ---------------------------------------------------------------------------------------------
  // Raw Kafka ceiling

  record Ceiling(long records, double seconds, double perSecond, double producePerSecond) {}

  private Ceiling ceiling() throws Exception {
    String topic = "vigil-bench-ceiling-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> admin = new HashMap<>();
    kafkaSecurity.forEach((k, v) -> admin.put((String) k, v));
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    List<byte[]> values = new ArrayList<>();
    for (List<String> events : bodyEvents) {
      for (String event : events) {
        values.add(event.getBytes(StandardCharsets.UTF_8));
      }
    }
    try (Admin client = Admin.create(admin)) {
      client.createTopics(List.of(new NewTopic(topic, Topics.AUDIT_RAW.partitions(), (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
      long n = options.ceilingRecords();
      AtomicLong consumed = new AtomicLong();
      AtomicLong consumerDoneNanos = new AtomicLong();
      Thread consumerThread = new Thread(() -> consumeAll(topic, n, consumed, consumerDoneNanos),
          "ceiling-consumer");
      consumerThread.start();
      Thread.sleep(1_000);
      Map<String, Object> producerConfig = new HashMap<>(admin);
      producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
      producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
      producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      long start = System.nanoTime();
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
        for (long i = 0; i < n; i++) {
          producer.send(new ProducerRecord<>(topic, "load/user-" + (i % 300),
              values.get((int) (i % values.size()))));
        }
        producer.flush();
      }
      double produceSeconds = (System.nanoTime() - start) / 1e9;
      consumerThread.join(TimeUnit.MINUTES.toMillis(5));
      double seconds = (consumerDoneNanos.get() - start) / 1e9;
      client.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      if (consumed.get() < n) {
        throw new IllegalStateException("ceiling: consumed " + consumed.get() + " of " + n);
      }
      return new Ceiling(n, seconds, n / seconds, n / produceSeconds);
    }
  }

  private void consumeAll(String topic, long n, AtomicLong consumed, AtomicLong doneNanos) {
    Properties props = new Properties();
    props.putAll(kafkaSecurity);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (consumed.get() < n && System.nanoTime() < deadline) {
        consumed.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
      }
      doneNanos.set(System.nanoTime());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Report

  private static void print(StepResult r) {
    System.out.printf(Locale.ROOT,
        "offered %s: accepted %,.0f events/s (%,d events, %d refused requests), processed %,.0f events/s,"
            + " drained in %.1f s; markers %d sent, %d alerted, %d duplicates; alert latency from send"
            + " p50 %.0f ms p99 %.0f ms max %.0f ms (%d markers); from gateway receipt (server histogram,"
            + " bucket upper bounds) p50 <= %.0f ms p99 <= %.0f ms max %.0f ms (%d alerts); Vigil CPU"
            + " %.2f cores; load average %.1f%n",
        r.offeredRate() <= 0 ? "flat out" : String.format(Locale.ROOT, "%,d events/s", r.offeredRate()),
        r.acceptedPerSecond(), r.acceptedEvents(), r.refusedRequests(), r.processedPerSecond(),
        r.drainSeconds(), r.markersSent(), r.markersAlerted(), r.markerDuplicates(),
        r.fromSend().p50(), r.fromSend().p99(), r.fromSend().max(), r.fromSend().samples(),
        r.fromReceipt().p50(), r.fromReceipt().p99(), r.fromReceipt().max(), r.fromReceipt().samples(),
        r.vigilCpuCores(), r.loadAverage());
    if (r.markersAlerted() != r.markersSent() || r.markerDuplicates() != 0) {
      System.out.println("  MARKER CHECK FAILED: every accepted marker must raise exactly one alert");
    }
  }

  static final String CSV_HEADER =
      "date,offered,accepted_per_s,processed_per_s,drain_s,markers_sent,markers_alerted,duplicates,"
          + "send_p50_ms,send_p99_ms,send_max_ms,receipt_p50_ms,receipt_p99_ms,vigil_cpu_cores,load_avg";

  private void appendCsv(StepResult r) throws IOException {
    if (options.csv() == null) {
      return;
    }
    if (!Files.exists(options.csv())) {
      Files.writeString(options.csv(), CSV_HEADER + "\n");
    }
    String line = String.format(Locale.ROOT, "%s,%d,%.0f,%.0f,%.1f,%d,%d,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.2f,%.1f%n",
        LocalDate.now(), r.offeredRate(), r.acceptedPerSecond(), r.processedPerSecond(),
        r.drainSeconds(), r.markersSent(), r.markersAlerted(), r.markerDuplicates(),
        r.fromSend().p50(), r.fromSend().p99(), r.fromSend().max(), r.fromReceipt().p50(),
        r.fromReceipt().p99(), r.vigilCpuCores(), r.loadAverage());
    Files.writeString(options.csv(), line, StandardOpenOption.APPEND);
  }

  // ---------------------------------------------------------------------------------------------
  // Self-contained mode

  private static String registerCluster(URI url, String adminToken, SSLContext tls)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
    String name = "load-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(url.resolve("/v1/clusters"))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                    Json.mapper().createObjectNode().put("name", name).toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = TOKEN.matcher(response.body());
    if (response.statusCode() != 201 || !m.find()) {
      throw new IllegalStateException(
          "registering cluster " + name + " answered " + response.statusCode() + ": " + response.body());
    }
    return m.group(1);
  }

  /** {@code vigil up --kafka-bootstrap} in a child JVM on {@code dir}, from this class path. */
  record ChildVigil(Process process, URI url, Path caFile, String adminToken) implements AutoCloseable {

    static ChildVigil start(Path dir, String bootstrap, Options options)
        throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(options.vigilJvmOptions());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("dev.vigil.app.Vigil");
      command.addAll(List.of("up", "--data-dir", dir.toString(), "--port", "0", "--bind", "127.0.0.1",
          "--kafka-bootstrap", bootstrap, "--stream-threads", Integer.toString(options.streamThreads())));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("vigil.out").toFile())
              .start();
      Path urlFile = dir.resolve("server.url");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!Files.exists(urlFile) || Files.readString(urlFile).isBlank()) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException("vigil up did not start; see " + dir.resolve("vigil.out"));
        }
        Thread.sleep(250);
      }
      URI url = URI.create(Files.readString(urlFile).trim().replace("localhost", "127.0.0.1"));
      String admin = Files.readString(dir.resolve("admin.token")).trim();
      ChildVigil vigil = new ChildVigil(process, url, dir.resolve("tls").resolve("ca.crt"), admin);
      vigil.awaitReady();
      return vigil;
    }

    private void awaitReady() throws IOException, InterruptedException {
      HttpClient client = HttpClient.newBuilder().sslContext(TlsMaterial.clientContextTrusting(caFile)).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        try {
          if (client.send(HttpRequest.newBuilder(url.resolve("/readyz")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(250);
      }
      throw new IllegalStateException("vigil up never became ready");
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
