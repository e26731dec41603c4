package dev.vigil.app.settings;

import dev.vigil.app.settings.Setting.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the server commands ({@code up}, {@code gateway}, {@code detect},
 * {@code alerts-api}), declared once: flag and config-file key, environment variable, default, unit
 * and meaning. {@link ServerOptions} makes the options and their help from these, {@link VigilConfig}
 * its defaults, {@link VigilDefaults} the environment and file lookup, and {@link SettingsTable} the
 * README's configuration table (a test fails when README.md differs).
 */
public final class Settings {
  private Settings() {}

  public static final Setting<Path> CONFIG = option("config", Kind.PATH, "file", null, "none",
      "YAML file of these options, keys without the leading dashes");
  public static final Setting<Path> DATA_DIR = option("data-dir", Kind.PATH, "dir", "data", "",
      "state: embedded broker, Streams state, TLS, admin token, logs");
  public static final Setting<Integer> PORT = option("port", Kind.INT, "port", "8443", "",
      "HTTPS port (0: a free port)");
  public static final Setting<String> BIND = option("bind", Kind.TEXT, "address", "0.0.0.0", "",
      "listen address");
  public static final Setting<String> KAFKA_BOOTSTRAP = option("kafka-bootstrap", Kind.TEXT, "host:port", null,
      "embedded broker; required by the single roles", "an existing Kafka cluster, `HOST:PORT[,...]`");
  public static final Setting<Integer> BROKERS = option("brokers", Kind.INT, "n", "1", "",
      "local Kafka brokers `vigil up` starts when no `--kafka-bootstrap` is given: 1 in its own JVM, or N as"
          + " separate processes (`DATA/kafka/broker-<n>`, pid in `DATA/kafka/broker-<n>.pid`); from 3 on, Vigil's"
          + " topics get replication factor 3 and `min.insync.replicas=2`");
  public static final Setting<Path> TLS_CERT = option("tls-cert", Kind.PATH, "file", null,
      "generated into `DATA/tls`", "PEM certificate");
  public static final Setting<Path> TLS_KEY = option("tls-key", Kind.PATH, "file", null, "",
      "PEM private key of `--tls-cert`");
  public static final Setting<List<String>> HOSTNAME = option("hostname", Kind.TEXTS, "name", null, "",
      "extra names for the generated certificate");
  public static final Setting<Long> BODY_LIMIT = option("body-limit", Kind.LONG, "bytes", "12582912", "",
      "largest request body, also after gzip decoding");
  public static final Setting<Integer> STREAM_THREADS = option("stream-threads", Kind.INT, "n", "1", "",
      "Kafka Streams threads per application");
  public static final Setting<Duration> ALERT_WINDOW = option("alert-window", Kind.DURATION, "duration", "PT1H", "",
      "findings of one fingerprint within this window update one alert");
  public static final Setting<Duration> INCIDENT_WINDOW = option("incident-window", Kind.DURATION, "duration",
      "PT2H", "", "alerts of one cluster that share a principal, workload, pod or created object within this window"
          + " form one incident (see [alerts/](alerts/README.md#incidents))");
  public static final Setting<Duration> UNHEALTHY_AFTER = option("unhealthy-after", Kind.DURATION, "duration",
      "PT15M", "", "a cluster that sent events and is silent this long is `Unhealthy`");
  public static final Setting<Path> RULES_DIR = option("rules-dir", Kind.PATH, "dir", null, "shipped rules only",
      "a folder of Sigma rules for Kubernetes audit logs, reloaded when a file changes; the shipped rules always"
          + " load (see [detection/RULES.md](detection/RULES.md))");
  public static final Setting<Boolean> RULES_LENIENT = option("rules-lenient", Kind.FLAG, "true/false", "false", "",
      "skip invalid Sigma rules with a warning instead of refusing to start");
  public static final Setting<Duration> BASELINE_LEARNING = option("baseline-learning", Kind.DURATION, "duration",
      "P7D", "", "learning period of the baseline detectors; `PT0S` alerts on first sight (demos)");
  public static final Setting<Duration> BASELINE_TTL = option("baseline-ttl", Kind.DURATION, "duration", "P30D", "",
      "learned baseline entries unseen this long are forgotten");
  public static final Setting<Duration> BACKFILL_HORIZON = option("backfill-horizon", Kind.DURATION, "duration",
      "P1D", "", "backfilled events (`vigil send --backfill`, the agent's first pass) older than this teach the"
          + " baselines and raise no alert; live events always alert");
  public static final Setting<List<Path>> THREAT_INTEL = option("threat-intel", Kind.PATHS, "file", null, "none",
      "CIDR list files (IPv4/IPv6, one per line) for `K8S_TI_Proxy`, re-read when they change");
  public static final Setting<Path> DETECTION_CONFIG = option("detection-config", Kind.PATH, "file", null,
      "shipped defaults", "YAML allow-lists and data lists of the detector catalogue, layered on the defaults;"
          + " an unknown key stops start-up (see [`detection/`](detection))");
  public static final Setting<Map<String, String>> KAFKA_PROPERTY = option("kafka-property", Kind.PROPERTIES, "k=v",
      null, "", "a property of every Kafka client (admin, consumers, producers, Streams): your cluster's security"
          + " settings, see [Kafka security](#kafka-security)");
  public static final Setting<Map<String, String>> PRODUCER_PROPERTY = option("producer-property", Kind.PROPERTIES,
      "k=v", null, "", "a property of the gateway's producer (tuning: `linger.ms`, `compression.type`, …)");
  public static final Setting<Map<String, String>> STREAMS_PROPERTY = option("streams-property", Kind.PROPERTIES,
      "k=v", null, "", "a Kafka Streams property of detection and alerts (`commit.interval.ms`, …)");
  public static final Setting<Duration> BODY_TIMEOUT = option("body-timeout", Kind.DURATION, "duration", "PT30S", "",
      "an ingest body must arrive within this time of its headers, else `408` and the connection closed");
  public static final Setting<Double> INGEST_RATE = option("ingest-rate", Kind.DOUBLE, "requests/s", "100", "",
      "ingest requests per second allowed to one token, else `429` with `Retry-After`");
  public static final Setting<Integer> INGEST_BURST = option("ingest-burst", Kind.INT, "requests", "200", "",
      "ingest requests one token may send at once above `--ingest-rate`");
  public static final Setting<Duration> MAX_DETECTION_LAG = option("max-detection-lag", Kind.DURATION, "duration",
      "PT2S", "", "when detection's backlog exceeds this much of its work, clusters sending more than their fair"
          + " share get `429` with `Retry-After` (see [Back-pressure](#back-pressure-when-detection-falls-behind));"
          + " `PT0S` switches it off");
  public static final Setting<Integer> MIN_CLUSTER_RATE = option("min-cluster-rate", Kind.INT, "events/s", "500", "",
      "events per second every cluster may always send, however far behind detection is");
  public static final Setting<Long> MEMORY_BUDGET = option("memory-budget", Kind.SIZE, "size", "1g", "",
      "memory of the whole process (`768m`, `2g`, …; at least `512m` for `vigil gateway`, `768m` for `vigil up`, `detect` and `alerts-api`): Java heap, RocksDB,"
          + " Kafka buffers; `./vigil` starts the JVM with the heap this gives"
          + " (see [Memory](#memory-the-footprint-and-how-to-size-it))");
  public static final Setting<Integer> MAX_CONNECTIONS = option("max-connections", Kind.INT, "n", "1000", "",
      "open connections of the HTTPS port; a connection beyond it is closed as soon as it is accepted");
  public static final Setting<Duration> IDLE_TIMEOUT = option("idle-timeout", Kind.DURATION, "duration", "PT2M", "",
      "a connection with no traffic this long is closed (at least `PT20S`: live streams send a keepalive every"
          + " 15 s)");
  public static final Setting<Duration> HEADER_TIMEOUT = option("header-timeout", Kind.DURATION, "duration", "PT10S",
      "", "a request's line and headers must arrive within this time (also an idle keep-alive connection waiting"
          + " for its next request), else the connection is closed, within half a second after it");
  public static final Setting<Integer> MAX_STREAMS = option("max-streams", Kind.INT, "n", "64", "",
      "live alert streams open at once on one instance, else `503`");
  public static final Setting<Integer> MAX_STREAMS_PER_TOKEN = option("max-streams-per-token", Kind.INT, "n", "4", "",
      "live streams one token may hold open, else `429`");
  public static final Setting<Integer> MAX_STREAMS_PER_WORKSPACE = option("max-streams-per-workspace", Kind.INT, "n",
      "16", "", "live streams one workspace may hold open, else `429`");
  public static final Setting<Long> STREAM_BUFFER = option("stream-buffer", Kind.LONG, "bytes", "1048576", "",
      "bytes a live stream may have waiting for a slow reader before it is disconnected");
  public static final Setting<Boolean> METRICS_TOKEN = option("metrics-token", Kind.FLAG, "true/false", "false", "",
      "`/metrics` on the HTTPS port needs an admin token of workspace `default`");
  public static final Setting<Integer> METRICS_PORT = option("metrics-port", Kind.INT, "port", "-1", "",
      "serve `/metrics` on this separate plain-HTTP port (and no longer on the HTTPS port); `-1`: the HTTPS port");
  public static final Setting<String> METRICS_BIND = option("metrics-bind", Kind.TEXT, "address", "127.0.0.1", "",
      "listen address of `--metrics-port`");
  public static final Setting<Integer> MAX_CLUSTERS = option("max-clusters", Kind.INT, "n", "1000", "",
      "clusters one workspace may register, else `422`");
  public static final Setting<Integer> MAX_LABELS = option("max-labels", Kind.INT, "n", "32", "",
      "labels of one cluster (at most 64), else `422`");
  public static final Setting<Integer> MAX_LABEL_BYTES = option("max-label-bytes", Kind.INT, "bytes", "8192", "",
      "UTF-8 bytes of all label keys and values of one cluster, else `422`");
  public static final Setting<Integer> MAX_TOKENS = option("max-tokens", Kind.INT, "n", "200", "",
      "API tokens one workspace may hold (revoked ones do not count), else `422`");
  /** Read by the {@code ./vigil} launcher script, not by Java: no option. */
  public static final Setting<String> JAVA_OPTS = new Setting<>("java-opts", Kind.TEXT, "JVM options", null, "",
      "JVM options for `./vigil`, after the budget's (an `-Xmx` here wins, with a warning; a collector such as `-XX:+UseG1GC` replaces the parallel collector)", false);

  /** Every setting, in the README's order. */
  public static final List<Setting<?>> ALL = List.of(CONFIG, DATA_DIR, PORT, BIND, KAFKA_BOOTSTRAP, BROKERS, TLS_CERT, TLS_KEY,
      HOSTNAME, BODY_LIMIT, STREAM_THREADS, ALERT_WINDOW, INCIDENT_WINDOW, UNHEALTHY_AFTER, RULES_DIR,
      RULES_LENIENT, BASELINE_LEARNING, BASELINE_TTL, BACKFILL_HORIZON, THREAT_INTEL, DETECTION_CONFIG,
      KAFKA_PROPERTY, PRODUCER_PROPERTY,
      STREAMS_PROPERTY, BODY_TIMEOUT, INGEST_RATE, INGEST_BURST, MAX_DETECTION_LAG, MIN_CLUSTER_RATE, MEMORY_BUDGET,
      MAX_CONNECTIONS, IDLE_TIMEOUT, HEADER_TIMEOUT, MAX_STREAMS, MAX_STREAMS_PER_TOKEN, MAX_STREAMS_PER_WORKSPACE,
      STREAM_BUFFER, METRICS_TOKEN, METRICS_PORT, METRICS_BIND, MAX_CLUSTERS, MAX_LABELS, MAX_LABEL_BYTES, MAX_TOKENS,
      JAVA_OPTS);

  /** The settings that are options of the server commands. */
  public static final List<Setting<?>> OPTIONS = ALL.stream().filter(Setting::option).toList();

  private static <T> Setting<T> option(String key, Kind<T> kind, String unit, String defaultValue, String whenUnset,
      String doc) {
    return new Setting<>(key, kind, unit, defaultValue, whenUnset, doc, true);
  }
}
