package dev.vigil.benchmarks;

import dev.vigil.app.JvmOptions;
import dev.vigil.app.settings.VigilDefaults;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.kafka.CompactedTopicFollower;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
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
 * reports what came out. See {@code benchmarks/README.md} for the workloads, the options and how to
 * read the report.
 *
 * <p>For each offered rate (events/s, {@code 0} = flat out) it sends a {@link Workload} for a fixed
 * duration from N connections, waiting out {@code 429}/{@code 503} answers for their {@code
 * Retry-After} and sending the same batch again ({@link AuditPoster}), then waits for detection to
 * drain. Per step it reports accepted, throttled (per cluster) and processed events/s, alert latency
 * of marker events (test-alert requests in namespaces of their own, one alert each) from send, the
 * server's own histogram from gateway receipt, the quiet cluster's test-alert latency under {@code
 * noisy-neighbour} ({@link QuietCluster}), the CPU, resident memory and heap of the Vigil process,
 * and whether every accepted marker raised exactly one alert. Throughout the run a {@link Sampler}
 * writes a time series (memory, backlog, RocksDB and state-store metrics). Afterwards it measures
 * the raw Kafka ceilings of the same broker (the same records produced and consumed without Vigil,
 * in a burst and sustained) and the {@link PassThroughCeiling} (Kafka's own part of a storm event).
 *
 * <p>Without {@code --url} it is self-contained: it starts a broker in this JVM and {@code vigil up
 * --kafka-bootstrap} from the same class path in a child JVM on a temporary directory, with the JVM
 * options {@code ./vigil} would give it (the default memory budget's heap, the collector), registers its
 * clusters, and stops both at the end. It only ever talks to loopback addresses.
 */
public final class LoadGenerator {

  static final int BATCH = 400;
  private static final int BODY_POOL = 48;
  private static final String TEST_ALERT = "K8S_TestAlert";
  private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
  static final Duration MAX_DURATION = Duration.ofHours(24);

  record Options(
      Workload workload,
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
      Duration ceilingSustained,
      Duration ceilingPassThrough,
      int streamThreads,
      List<String> vigilJvmOptions,
      List<String> vigilArgs,
      Path csv,
      Duration warmup,
      Duration sampleInterval,
      Path samplesCsv,
      List<String> samplePrefixes,
      Duration quietInterval,
      Path quietTokenFile,
      String quietCluster,
      Path apiTokenFile,
      long vigilPid,
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
          Set.of("workload", "url", "token-file", "ca-file", "kafka-bootstrap", "connections", "rate",
              "duration", "alerting-fraction", "markers-per-second", "drain-timeout",
              "ceiling-records", "ceiling-sustained", "ceiling-passthrough", "stream-threads",
              "vigil-jvm-option", "vigil-arg", "csv", "warmup",
              "sample-interval", "samples-csv", "sample-prefixes", "quiet-interval",
              "quiet-token-file", "quiet-cluster", "api-token-file", "vigil-pid",
              "kafka-config");
      for (String key : values.keySet()) {
        if (!known.contains(key)) {
          throw new IllegalArgumentException("unknown option --" + key + "\n" + USAGE);
        }
      }
      List<Integer> rates = new ArrayList<>();
      for (String rate : one(values, "rate", "0").split(",")) {
        rates.add(Integer.parseInt(rate.trim()));
      }
      List<String> prefixes = new ArrayList<>();
      for (String prefix : one(values, "sample-prefixes", DEFAULT_SAMPLE_PREFIXES).split(",")) {
        if (!prefix.isBlank()) {
          prefixes.add(prefix.trim());
        }
      }
      String url = one(values, "url", null);
      Options options =
          new Options(
              Workload.parse(one(values, "workload", "ordinary")),
              url == null ? null : URI.create(url),
              path(one(values, "token-file", null)),
              path(one(values, "ca-file", null)),
              one(values, "kafka-bootstrap", null),
              Integer.parseInt(one(values, "connections", "4")),
              rates,
              duration(one(values, "duration", "30s")),
              Double.parseDouble(one(values, "alerting-fraction", "0.01")),
              Double.parseDouble(one(values, "markers-per-second", "5")),
              duration(one(values, "drain-timeout", "60s")),
              Long.parseLong(one(values, "ceiling-records", "400000")),
              duration(one(values, "ceiling-sustained", "20s")),
              duration(one(values, "ceiling-passthrough", "20s")),
              Integer.parseInt(one(values, "stream-threads", "1")),
              values.getOrDefault("vigil-jvm-option", List.of()),
              values.getOrDefault("vigil-arg", List.of()),
              path(one(values, "csv", null)),
              duration(one(values, "warmup", "20s")),
              duration(one(values, "sample-interval", "10s")),
              path(one(values, "samples-csv", null)),
              List.copyOf(prefixes),
              duration(one(values, "quiet-interval", "2s")),
              path(one(values, "quiet-token-file", null)),
              one(values, "quiet-cluster", null),
              path(one(values, "api-token-file", null)),
              Long.parseLong(one(values, "vigil-pid", "0")),
              path(one(values, "kafka-config", null)));
      if (options.url != null
          && (options.tokenFile == null || options.caFile == null || options.kafkaBootstrap == null)) {
        throw new IllegalArgumentException(
            "--url needs --token-file, --ca-file and --kafka-bootstrap\n" + USAGE);
      }
      if (options.url != null && options.workload == Workload.NOISY_NEIGHBOUR
          && (options.quietTokenFile == null || options.quietCluster == null
              || options.apiTokenFile == null)) {
        throw new IllegalArgumentException("--workload noisy-neighbour with --url needs"
            + " --quiet-token-file, --quiet-cluster and --api-token-file (a reader token)\n" + USAGE);
      }
      if (options.url != null && !isLoopback(options.url)) {
        throw new IllegalArgumentException("--url must be a loopback address (127.0.0.1, ::1, localhost)");
      }
      if (options.connections < 1 || options.connections > 64) {
        throw new IllegalArgumentException("--connections must be within 1..64");
      }
      if (options.duration.compareTo(MAX_DURATION) > 0
          || options.warmup.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(
            "--duration is bounded to 24 hours and --warmup to 10 minutes");
      }
      if (options.sampleInterval.compareTo(Duration.ofSeconds(1)) < 0
          || options.quietInterval.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException(
            "--sample-interval must be at least 1s and --quiet-interval at least 100ms");
      }
      if (options.ceilingRecords > 5_000_000) {
        throw new IllegalArgumentException("--ceiling-records is bounded to 5,000,000");
      }
      if (options.ceilingSustained.compareTo(Duration.ofMinutes(10)) > 0
          || options.ceilingPassThrough.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(
            "--ceiling-sustained and --ceiling-passthrough are bounded to 10 minutes (0 leaves one out)");
      }
      return options;
    }

    private static boolean isLoopback(URI url) {
      String host = url.getHost();
      return host != null
          && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
              || host.equals("::1"));
    }

    /** {@code 20s}, {@code 90m}, {@code 2h}; a bare {@code 0} is no time at all. */
    private static Duration duration(String value) {
      if (value.equals("0")) {
        return Duration.ZERO;
      }
      return Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
    }

    private static String one(Map<String, List<String>> values, String key, String fallback) {
      List<String> given = values.get(key);
      return given == null ? fallback : given.get(given.size() - 1);
    }

    private static Path path(String value) {
      return value == null ? null : Path.of(value);
    }
  }

  /** Metric name prefixes sampled into {@code --samples-csv} by default. */
  static final String DEFAULT_SAMPLE_PREFIXES =
      "kafka_stream_state_block_cache_usage,kafka_stream_state_block_cache_pinned_usage,"
          + "kafka_stream_state_block_cache_capacity,kafka_stream_state_size_all_mem_tables,"
          + "kafka_stream_state_cur_size_all_mem_tables,kafka_stream_state_estimate_table_readers_mem,"
          + "kafka_stream_state_estimate_num_keys,kafka_stream_state_total_sst_files_size,"
          + "kafka_stream_state_live_sst_files_size,rocksdb,vigil_rocksdb,vigil_state,vigil_memory,"
          + "vigil_detection_lag,vigil_ingest_throttled";

  static final String USAGE =
      "usage: java -cp benchmarks.jar dev.vigil.benchmarks.LoadGenerator"
          + " [--workload ordinary|storm|noisy-neighbour|churn] [--rate 0|N[,N...]]"
          + " [--duration 30s|2h] [--connections 4] [--alerting-fraction 0.01] [--markers-per-second 5]"
          + " [--quiet-interval 2s] [--drain-timeout 60s] [--ceiling-records 400000] [--ceiling-sustained 20s]"
          + " [--ceiling-passthrough 20s]"
          + " [--stream-threads 1] [--vigil-jvm-option OPT]... [--vigil-arg ARG]... [--csv FILE] [--warmup 20s]"
          + " [--sample-interval 10s] [--samples-csv FILE] [--sample-prefixes P1,P2]"
          + " [--url https://127.0.0.1:8443 --token-file F --ca-file CA --kafka-bootstrap HOST:PORT"
          + " [--quiet-token-file F --quiet-cluster NAME --api-token-file F] [--vigil-pid PID]"
          + " [--kafka-config DATA/kafka/client.properties]]";

  /** A registered cluster: its name (for the report) and its ingest token. */
  record Cluster(String name, String token) {}

  /** Registers a cluster named {@code prefix-<random>} and returns it with its token. */
  interface Registrar {
    Cluster register(String prefix) throws IOException, InterruptedException;
  }

  /** The clusters of a self-contained run: who sends on each connection, and the quiet one. */
  record ClusterPlan(List<Cluster> senders, Cluster quiet) {
    static ClusterPlan of(Workload workload, int connections, Registrar registrar)
        throws IOException, InterruptedException {
      if (workload == Workload.NOISY_NEIGHBOUR) {
        // One flooding cluster on every connection, and a quiet one with a token of its own.
        Cluster flood = registrar.register("flood");
        return new ClusterPlan(List.of(flood), registrar.register("quiet"));
      }
      // One cluster per connection, as a backend serving several clusters sees it (and each
      // cluster token has its own ingest rate limit).
      List<Cluster> clusters = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        clusters.add(registrar.register("load"));
      }
      return new ClusterPlan(List.copyOf(clusters), null);
    }
  }

  private final Options options;
  private final URI url;
  private final List<Cluster> senders;
  private final Cluster quietCluster;
  private final String apiToken;
  private final SSLContext tls;
  private final String bootstrap;
  /** Client properties from {@code --kafka-config} (a {@code vigil up} broker's credentials), or none. */
  private final Properties kafkaSecurity = new Properties();
  private final ProcessHandle vigilProcess;
  private final List<String> corpus;
  private final AtomicLong newPrincipals = new AtomicLong();
  private final EventMix mix;
  private final List<byte[]> bodies = new ArrayList<>();
  private final List<List<String>> bodyEvents = new ArrayList<>();
  private final Map<String, Long> markerSentMs = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> markerAlertIds = new ConcurrentHashMap<>();
  private final Map<String, Long> markerPublishedMs = new ConcurrentHashMap<>();
  private final AtomicLong markerDuplicates = new AtomicLong();
  private final AtomicLong markerSequence = new AtomicLong();
  private final AtomicLong totalAccepted = new AtomicLong();
  private final Map<String, AtomicLong> totalThrottled = new ConcurrentHashMap<>();
  private final HttpClient metricsClient;
  private volatile String phase = "start";
  private QuietCluster quiet;

  /**
   * @param senders the cluster of each connection, in turn ({@code connections} may exceed it)
   * @param quietCluster the quiet cluster of {@code noisy-neighbour}; null otherwise
   * @param apiToken a reader or admin token to follow the alert stream with; null unless noisy-neighbour
   */
  LoadGenerator(
      Options options,
      List<String> corpus,
      URI url,
      List<Cluster> senders,
      Cluster quietCluster,
      String apiToken,
      SSLContext tls,
      String bootstrap,
      ProcessHandle vigil) {
    this.options = options;
    this.url = url;
    this.senders = senders;
    this.quietCluster = quietCluster;
    this.apiToken = apiToken;
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
    this.corpus = corpus;
    this.metricsClient = HttpClient.newBuilder().sslContext(tls).build();
    this.mix = EventMix.of(options.workload(), corpus, options.alertingFraction(), 42, newPrincipals);
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
      List<Cluster> clusters =
          List.of(new Cluster("cluster", Files.readString(options.tokenFile()).trim()));
      Cluster quiet = null;
      String apiToken = null;
      if (options.workload() == Workload.NOISY_NEIGHBOUR) {
        quiet = new Cluster(options.quietCluster(), Files.readString(options.quietTokenFile()).trim());
        apiToken = Files.readString(options.apiTokenFile()).trim();
      }
      SSLContext tls = TlsMaterial.clientContextTrusting(options.caFile());
      ProcessHandle vigil =
          options.vigilPid() > 0 ? ProcessHandle.of(options.vigilPid()).orElse(null) : null;
      new LoadGenerator(options, corpus, options.url(), clusters, quiet, apiToken, tls,
          options.kafkaBootstrap(), vigil).run();
      return;
    }
    Path dir = Files.createTempDirectory("vigil-load");
    try {
      runSelfContained(options, corpus, dir);
    } catch (Exception | Error e) {
      // Kept for Vigil's log (vigil.out), which the message points at.
      System.err.println("Vigil's data dir and log (vigil.out) are kept in " + dir);
      throw e;
    }
    deleteTree(dir);
  }

  private static void runSelfContained(Options options, List<String> corpus, Path dir)
      throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        ChildVigil vigil = ChildVigil.start(dir, kafka.bootstrapServers(), options)) {
      System.out.printf("Vigil (pid %d) ready at %s, broker %s in this JVM%n",
          vigil.process().pid(), vigil.url(), kafka.bootstrapServers());
      SSLContext tls = TlsMaterial.clientContextTrusting(vigil.caFile());
      ClusterPlan plan = ClusterPlan.of(options.workload(), options.connections(),
          prefix -> registerCluster(vigil.url(), vigil.adminToken(), tls, prefix));
      new LoadGenerator(options, corpus, vigil.url(), plan.senders(), plan.quiet(),
          vigil.adminToken(), tls, kafka.bootstrapServers(), vigil.process().toHandle()).run();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  void run() throws Exception {
    List<StepReport> results = new ArrayList<>();
    CompactedTopicFollower alertReader = alertReader().start();
    if (quietCluster != null) {
      quiet = new QuietCluster(HttpClient.newBuilder().sslContext(tls).build(), url,
          quietCluster.token(), quietCluster.name(), apiToken, options.quietInterval());
      quiet.follow();
    }
    Sampler sampler = new Sampler(this::sample, options.sampleInterval(), options.samplesCsv(),
        options.samplePrefixes(), () -> phase, totalAccepted::get,
        () -> totalThrottled.values().stream().mapToLong(AtomicLong::get).sum());
    Thread samplerThread = new Thread(sampler, "load-sampler");
    samplerThread.setDaemon(true);
    Thread.sleep(2_000); // the reader has its partitions and end offsets before the first marker
    System.out.printf("workload %s: %s%n", options.workload().label, describe());
    samplerThread.start();
    try {
      if (!options.warmup().isZero()) {
        // JIT, Streams tasks and transactions settle here; the figures are not reported. At the first
        // step's rate, so a run that starts flat out warms up flat out (not at a trickle).
        phase = options.workload().label + " warm-up";
        int first = options.rates().get(0);
        StepReport warm = step(first <= 0 ? 0 : Math.max(1_000, first), options.warmup());
        System.out.printf(Locale.ROOT,
            "warm-up: %,.0f events/s for %.0f s, drained in %.1f s (not reported)%n",
            warm.acceptedPerSecond(), warm.seconds(), warm.drainSeconds());
      }
      for (int rate : options.rates()) {
        phase = options.workload().label + " " + (rate <= 0 ? "flat-out" : Integer.toString(rate));
        StepReport result = step(rate, options.duration());
        results.add(result);
        System.out.println(result.console());
        if (options.csv() != null) {
          StepReport.append(options.csv(), result.csvRow(LocalDate.now()));
        }
      }
    } finally {
      phase = "ceiling";
      alertReader.close();
      if (quiet != null) {
        quiet.close();
      }
    }
    Ceiling ceiling = ceiling();
    MeasuredRate sustainedResult = options.ceilingSustained().isZero() ? null : sustainedCeiling();
    double sustained = sustainedResult == null ? Double.NaN : sustainedResult.perSecond();
    MeasuredRate passThroughResult =
        options.ceilingPassThrough().isZero() ? null : passThroughCeiling();
    double passThrough = passThroughResult == null ? Double.NaN : passThroughResult.perSecond();
    sampler.stop();
    samplerThread.join(5_000);
    if (options.csv() != null) {
      StepReport.fillCeiling(options.csv(), results.size(), ceiling.perSecond(), sustained, passThrough);
    }
    System.out.printf(Locale.ROOT,
        "raw Kafka ceiling on this broker: %,d records of the same mix produced (lz4, acks=all, idempotent)"
            + " and consumed concurrently in %.1f s = %,.0f records/s (produce alone finished at %,.0f/s)%n",
        ceiling.records(), ceiling.seconds(), ceiling.perSecond(), ceiling.producePerSecond());
    if (sustainedResult != null) {
      System.out.printf(Locale.ROOT,
          "sustained raw Kafka ceiling: %,.0f records/s consumed over %d s, after %d s of the same flat out"
              + " (one producer, one consumer, same settings); %s%n",
          sustained, options.ceilingSustained().toSeconds(), CEILING_WARMUP.toSeconds(),
          sustainedResult.cpuText());
    }
    if (passThroughResult != null) {
      System.out.printf(Locale.ROOT,
          "pass-through ceiling: %,.0f records/s copied exactly-once by a Kafka Streams application with"
              + " detection's settings and read committed, over %d s (Kafka's part of one storm event); %s%n",
          passThrough, options.ceilingPassThrough().toSeconds(), passThroughResult.cpuText());
    }
    double best = 0;
    for (StepReport r : results) {
      best = Math.max(best, Math.min(r.acceptedPerSecond(), r.processedPerSecond()));
    }
    System.out.printf(Locale.ROOT,
        "best sustained end-to-end rate %,.0f events/s = %.0f%% of the raw Kafka ceiling%s%n",
        best, 100 * best / ceiling.perSecond(),
        share(best, sustained, "sustained") + share(best, passThrough, "pass-through"));
  }

  /** {@code ", 12% of the NAME ceiling"}, or nothing for a ceiling that was not measured (NaN). */
  private static String share(double rate, double ceiling, String name) {
    return Double.isNaN(ceiling) ? ""
        : String.format(Locale.ROOT, ", %.0f%% of the %s ceiling", 100 * rate / ceiling, name);
  }

  private String describe() {
    String clusters = senders.stream().map(Cluster::name).distinct().toList().toString();
    return switch (options.workload()) {
      case ORDINARY -> "ordinary mix, " + options.connections() + " connections as clusters " + clusters;
      case STORM -> "every event from the Falco corpus, " + EventMix.STORM_PRINCIPALS
          + " principals, clusters " + clusters;
      case CHURN -> "ordinary mix, a new principal on every event, clusters " + clusters;
      case NOISY_NEIGHBOUR -> "cluster " + clusters + " floods on " + options.connections()
          + " connections; quiet cluster " + quietCluster.name() + " sends a test request every "
          + options.quietInterval().toMillis() + " ms";
    };
  }

  // ---------------------------------------------------------------------------------------------
  // One step

  private StepReport step(int rate, Duration duration) throws Exception {
    markerSentMs.clear();
    markerAlertIds.clear();
    markerPublishedMs.clear();
    markerDuplicates.set(0);
    ServerSample before = sample();
    long ownCpuBefore = ownCpuNanos();
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    Map<String, AtomicLong> throttled = new ConcurrentHashMap<>();
    long quietThrottledBefore = quiet == null ? 0 : quiet.throttled();
    AtomicLong slots = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long giveUp = end + options.drainTimeout().toNanos();
    long intervalNanos = rate <= 0 ? 0 : (long) (1e9 * BATCH / rate);
    long markerIntervalNanos = (long) (1e9 / Math.max(0.01, options.markersPerSecond()));
    AtomicLong nextMarker = new AtomicLong(start);
    if (quiet != null) {
      quiet.startSending();
    }
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < options.connections(); c++) {
      Cluster cluster = senders.get(c % senders.size());
      EventMix own = mix.needsFreshBatches()
          ? EventMix.of(options.workload(), corpus, options.alertingFraction(), 1000 + c, newPrincipals)
          : null;
      Thread sender =
          new Thread(
              () -> send(cluster, own, end, giveUp, intervalNanos, start, slots, nextMarker,
                  markerIntervalNanos, accepted, refused, throttled),
              "load-sender-" + c);
      sender.start();
      threads.add(sender);
    }
    for (Thread sender : threads) {
      sender.join();
    }
    if (quiet != null) {
      quiet.stopSending();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double ownCpuCores = (ownCpuNanos() - ownCpuBefore) / 1e9 / seconds;
    ServerSample atEnd = sample();
    double processedDuring = atEnd.detectionEvents() - before.detectionEvents();
    // Drain: detection has read everything accepted, every accepted marker alerted, and every
    // quiet test request is on the alert stream.
    long drainStart = System.nanoTime();
    long drainDeadline = drainStart + options.drainTimeout().toNanos();
    ServerSample now = atEnd;
    while (System.nanoTime() < drainDeadline
        && (now.detectionEvents() - before.detectionEvents() < now.ingestedEvents() - before.ingestedEvents()
            || markerPublishedMs.size() < markerSentMs.size()
            || (quiet != null && quiet.tracker().pending() > 0))) {
      Thread.sleep(200);
      now = sample();
    }
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    Thread.sleep(1_500); // a late duplicate alert would show up here
    now = sample();

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
    Map<String, Long> throttledByCluster = new TreeMap<>();
    for (Cluster cluster : senders) {
      throttledByCluster.put(cluster.name(), throttled.getOrDefault(cluster.name(), new AtomicLong()).get());
    }
    if (quiet != null) {
      long q = quiet.throttled() - quietThrottledBefore;
      throttledByCluster.put(quietCluster.name(), q);
      totalThrottled.computeIfAbsent(quietCluster.name(), k -> new AtomicLong()).addAndGet(q);
    }
    return new StepReport(
        options.workload(),
        rate,
        seconds,
        accepted.get(),
        refused.get(),
        throttledByCluster,
        accepted.get() / seconds,
        processedDuring / seconds,
        drainSeconds,
        atEnd.backlogEvents(),
        atEnd.rawTopicLagRecords(),
        markerSentMs.size(),
        markerPublishedMs.keySet().stream().filter(markerSentMs::containsKey).count(),
        duplicates,
        Percentiles.of(fromSend),
        histogramPercentiles(before.metrics(), now.metrics()),
        quiet == null ? 0 : quiet.tracker().sentInStep(),
        quiet == null ? Percentiles.NONE : Percentiles.of(quiet.tracker().latencies()),
        quiet == null ? 0 : quiet.tracker().countMismatches(),
        before.cpuNanos() < 0 || atEnd.cpuNanos() < 0
            ? Double.NaN
            : (atEnd.cpuNanos() - before.cpuNanos()) / 1e9 / seconds,
        ownCpuCores,
        atEnd.rssBytes() / 1e6,
        atEnd.heapUsedBytes() / 1e6,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /**
   * CPU time of this generator's process, which in self-contained mode also runs the broker: it
   * shares the machine with Vigil, so its cost is part of what a run on one machine measures.
   */
  static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private void send(
      Cluster cluster,
      EventMix own,
      long end,
      long giveUp,
      long intervalNanos,
      long start,
      AtomicLong slots,
      AtomicLong nextMarker,
      long markerIntervalNanos,
      AtomicLong accepted,
      AtomicLong refused,
      Map<String, AtomicLong> throttled) {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    AuditPoster poster = new AuditPoster(client, url, cluster.token());
    AtomicLong throttledHere = throttled.computeIfAbsent(cluster.name(), k -> new AtomicLong());
    AtomicLong throttledInRun = totalThrottled.computeIfAbsent(cluster.name(), k -> new AtomicLong());
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
      } else if (own != null) {
        body = EventMix.gzipEventList(own.batch(BATCH, Instant.now()));
      } else {
        body = bodies.get((int) (slot % bodies.size()));
      }
      long sentMs = System.currentTimeMillis();
      try {
        // A throttled batch is waited out and sent again, as kube-apiserver and the agent do; one
        // still throttled at the end of the step is finished within the drain timeout.
        AuditPoster.Outcome outcome = poster.post(body, giveUp);
        throttledHere.addAndGet(outcome.throttled());
        throttledInRun.addAndGet(outcome.throttled());
        if (outcome.delivered()) {
          accepted.addAndGet(outcome.acceptedEvents());
          totalAccepted.addAndGet(outcome.acceptedEvents());
          if (markerId != null) {
            markerSentMs.put(markerId, sentMs);
          }
        } else {
          refused.incrementAndGet();
          sleepNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
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

  /** Follows vigil.alerts.v1 from its end, recording when each marker's test alert was published. */
  private CompactedTopicFollower alertReader() {
    Map<String, Object> config = new HashMap<>();
    kafkaSecurity.forEach((k, v) -> config.put((String) k, v));
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new CompactedTopicFollower(config, "load-alert-reader", List.of(Topics.ALERTS.name()),
        CompactedTopicFollower.Start.end(), this::markerAlert);
  }

  private void markerAlert(ConsumerRecord<String, byte[]> record) {
    Alert alert = record.value() == null ? null
        : Topics.ALERTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    if (alert == null || !TEST_ALERT.equals(alert.alertType())) {
      return;
    }
    String marker = markerOf(alert);
    if (marker == null) {
      return;
    }
    markerAlertIds.computeIfAbsent(marker, k -> ConcurrentHashMap.newKeySet()).add(alert.id());
    if (markerPublishedMs.putIfAbsent(marker, record.timestamp()) != null || alert.count() != 1) {
      // The same marker alert published again, or counting more than its one event.
      markerDuplicates.incrementAndGet();
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

  /**
   * A look at Vigil. A scrape that fails is tried again for up to a minute (a loaded machine can
   * stall one), unless the Vigil child has exited.
   */
  private ServerSample sample() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      if (vigilProcess != null && !vigilProcess.isAlive()) {
        throw new IllegalStateException("the Vigil process " + vigilProcess.pid() + " exited");
      }
      try {
        HttpResponse<String> response =
            metricsClient.send(
                HttpRequest.newBuilder(url.resolve("/metrics")).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return ServerSample.of(System.currentTimeMillis(), response.body(), vigilProcess);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("/metrics answered " + response.statusCode());
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(1_000);
    }
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
      return Percentiles.NONE;
    }
    return new Percentiles(
        1000 * bucketAt(buckets, 0.50 * total),
        1000 * bucketAt(buckets, 0.99 * total),
        1000 * ServerSample.sum(after, "vigil_alert_latency_seconds_max"),
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
    Map<String, Object> admin = ceilingAdminConfig();
    List<byte[]> values = ceilingValues();
    try (Admin client = Admin.create(admin)) {
      createScratchTopic(client, topic);
      long n = options.ceilingRecords();
      AtomicLong consumed = new AtomicLong();
      AtomicLong consumerDoneNanos = new AtomicLong();
      Thread consumerThread = new Thread(() -> consumeAll(topic, n, consumed, consumerDoneNanos),
          "ceiling-consumer");
      consumerThread.start();
      Thread.sleep(1_000);
      long start = System.nanoTime();
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(ceilingProducerConfig(admin), new StringSerializer(), new ByteArraySerializer())) {
        for (long i = 0; i < n; i++) {
          producer.send(ceilingRecord(topic, i, values));
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

  /** How long the sustained ceiling produces before it starts counting (producer and consumer warm). */
  static final Duration CEILING_WARMUP = Duration.ofSeconds(5);

  /**
   * The raw ceiling held for as long as a step: the burst above lasts one to four seconds and moved by
   * half between runs of one day, so this one produces the same records flat out for {@link
   * #CEILING_WARMUP} plus {@code --ceiling-sustained}, and counts what one consumer reads during the
   * last part only.
   */
  private MeasuredRate sustainedCeiling() throws Exception {
    String topic = "vigil-bench-sustained-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> admin = ceilingAdminConfig();
    List<byte[]> values = ceilingValues();
    try (Admin client = Admin.create(admin)) {
      createScratchTopic(client, topic);
      AtomicLong consumed = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      Thread consumerThread = new Thread(() -> consumeUntil(topic, consumed, stop), "ceiling-consumer");
      consumerThread.start();
      Thread.sleep(1_000);
      MeasuredRate rate;
      try {
        rate = MeasuredRate.whileProducing(CEILING_WARMUP, options.ceilingSustained(), Long.MAX_VALUE,
            ceilingProducerConfig(admin), i -> ceilingRecord(topic, i, values), consumed);
      } finally {
        stop.set(true);
        consumerThread.join(TimeUnit.MINUTES.toMillis(1));
      }
      client.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      return rate;
    }
  }

  /** The same records through Kafka's part of a storm event's path: see {@link PassThroughCeiling}. */
  private MeasuredRate passThroughCeiling() throws Exception {
    Map<String, Object> admin = ceilingAdminConfig();
    List<byte[]> values = ceilingValues();
    return new PassThroughCeiling(admin, bootstrap, kafkaSecurity)
        .measure(CEILING_WARMUP, options.ceilingPassThrough(), ceilingProducerConfig(admin),
            (topic, i) -> ceilingRecord(topic, i, values));
  }

  /** A topic of the raw topic's partition count, unreplicated, for one ceiling measurement. */
  private static void createScratchTopic(Admin client, String topic) throws Exception {
    client.createTopics(List.of(new NewTopic(topic, Topics.AUDIT_RAW.partitions(), (short) 1)))
        .all().get(30, TimeUnit.SECONDS);
  }

  /** The {@code i}-th record of a ceiling run: the workload's events in turn, keyed by 300 principals. */
  private static ProducerRecord<String, byte[]> ceilingRecord(String topic, long i, List<byte[]> values) {
    return new ProducerRecord<>(topic, "load/user-" + (i % 300), values.get((int) (i % values.size())));
  }

  private Map<String, Object> ceilingAdminConfig() {
    Map<String, Object> admin = new HashMap<>();
    kafkaSecurity.forEach((k, v) -> admin.put((String) k, v));
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return admin;
  }

  /** The workload's events as record values, the same records the steps sent through Vigil. */
  private List<byte[]> ceilingValues() {
    List<byte[]> values = new ArrayList<>();
    for (List<String> events : bodyEvents) {
      for (String event : events) {
        values.add(event.getBytes(StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  static Map<String, Object> ceilingProducerConfig(Map<String, Object> admin) {
    Map<String, Object> producerConfig = new HashMap<>(admin);
    producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return producerConfig;
  }

  private void consumeUntil(String topic, AtomicLong consumed, AtomicBoolean stop) {
    countUntil(kafkaSecurity, bootstrap, topic, false, consumed, stop);
  }

  /**
   * Adds to {@code consumed} every record of {@code topic} (committed ones only when {@code
   * readCommitted}) that one consumer of all its partitions reads from the beginning, until {@code stop}.
   */
  static void countUntil(Properties security, String bootstrap, String topic, boolean readCommitted,
      AtomicLong consumed, AtomicBoolean stop) {
    try (KafkaConsumer<String, byte[]> consumer = fromStart(security, bootstrap, topic, readCommitted)) {
      while (!stop.get()) {
        consumed.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
      }
    }
  }

  /** A consumer of every partition of {@code topic}, from the beginning. */
  private KafkaConsumer<String, byte[]> ceilingConsumer(String topic) {
    return fromStart(kafkaSecurity, bootstrap, topic, false);
  }

  private static KafkaConsumer<String, byte[]> fromStart(
      Properties security, String bootstrap, String topic, boolean readCommitted) {
    Properties props = new Properties();
    props.putAll(security);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    if (readCommitted) {
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic)) {
      partitions.add(new TopicPartition(p.topic(), p.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private void consumeAll(String topic, long n, AtomicLong consumed, AtomicLong doneNanos) {
    try (KafkaConsumer<String, byte[]> consumer = ceilingConsumer(topic)) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (consumed.get() < n && System.nanoTime() < deadline) {
        consumed.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
      }
      doneNanos.set(System.nanoTime());
    }
  }


  // ---------------------------------------------------------------------------------------------
  // Self-contained mode

  private static Cluster registerCluster(URI url, String adminToken, SSLContext tls, String prefix)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
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
    return new Cluster(name, m.group(1));
  }

  /** {@code vigil up --kafka-bootstrap} in a child JVM on {@code dir}, from this class path. */
  record ChildVigil(Process process, URI url, Path caFile, String adminToken) implements AutoCloseable {

    /**
     * The child's command line: the JVM options {@code ./vigil} gives {@code vigil up} (the default
     * memory budget's heap, the collector), then {@code --vigil-jvm-option}s, which win; so a run
     * measures {@code vigil up} as the launcher starts it.
     */
    static List<String> command(Path dir, String bootstrap, Options options) {
      List<String> up = new ArrayList<>(List.of("up", "--data-dir", dir.toString(), "--port", "0", "--bind",
          "127.0.0.1", "--kafka-bootstrap", bootstrap, "--stream-threads", Integer.toString(options.streamThreads())));
      up.addAll(options.vigilArgs());
      String[] args = up.toArray(String[]::new);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(JvmOptions.launcherOptions(VigilDefaults.forArgs(System.getenv(), args),
          String.join(" ", options.vigilJvmOptions()), args));
      command.addAll(options.vigilJvmOptions());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("dev.vigil.app.Vigil");
      command.addAll(up);
      return command;
    }

    static ChildVigil start(Path dir, String bootstrap, Options options)
        throws IOException, InterruptedException {
      ProcessBuilder builder = new ProcessBuilder(command(dir, bootstrap, options));
      // As ./vigil: glibc's per-thread arenas would let RocksDB's native memory grow.
      builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
      Process process = builder.redirectErrorStream(true).redirectOutput(dir.resolve("vigil.out").toFile()).start();
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
