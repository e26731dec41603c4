package dev.vigil.app.settings;

import static dev.vigil.app.settings.Settings.BASELINE_LEARNING;
import static dev.vigil.app.settings.Settings.BASELINE_TTL;
import static dev.vigil.app.settings.Settings.BODY_LIMIT;
import static dev.vigil.app.settings.Settings.BROKERS;
import static dev.vigil.app.settings.Settings.BODY_TIMEOUT;
import static dev.vigil.app.settings.Settings.HEADER_TIMEOUT;
import static dev.vigil.app.settings.Settings.IDLE_TIMEOUT;
import static dev.vigil.app.settings.Settings.INGEST_BURST;
import static dev.vigil.app.settings.Settings.INGEST_RATE;
import static dev.vigil.app.settings.Settings.KAFKA_BOOTSTRAP;
import static dev.vigil.app.settings.Settings.KAFKA_PROPERTY;
import static dev.vigil.app.settings.Settings.MAX_CLUSTERS;
import static dev.vigil.app.settings.Settings.MAX_CONNECTIONS;
import static dev.vigil.app.settings.Settings.MAX_DETECTION_LAG;
import static dev.vigil.app.settings.Settings.MAX_LABELS;
import static dev.vigil.app.settings.Settings.MAX_LABEL_BYTES;
import static dev.vigil.app.settings.Settings.MAX_STREAMS;
import static dev.vigil.app.settings.Settings.MAX_STREAMS_PER_TOKEN;
import static dev.vigil.app.settings.Settings.MAX_STREAMS_PER_WORKSPACE;
import static dev.vigil.app.settings.Settings.MAX_TOKENS;
import static dev.vigil.app.settings.Settings.MEMORY_BUDGET;
import static dev.vigil.app.settings.Settings.METRICS_BIND;
import static dev.vigil.app.settings.Settings.METRICS_PORT;
import static dev.vigil.app.settings.Settings.METRICS_TOKEN;
import static dev.vigil.app.settings.Settings.MIN_CLUSTER_RATE;
import static dev.vigil.app.settings.Settings.PORT;
import static dev.vigil.app.settings.Settings.PRODUCER_PROPERTY;
import static dev.vigil.app.settings.Settings.RULES_DIR;
import static dev.vigil.app.settings.Settings.STREAMS_PROPERTY;
import static dev.vigil.app.settings.Settings.STREAM_BUFFER;
import static dev.vigil.app.settings.Settings.STREAM_THREADS;
import static dev.vigil.app.settings.Settings.THREAT_INTEL;
import static dev.vigil.app.settings.Settings.TLS_CERT;
import static dev.vigil.app.settings.Settings.TLS_KEY;
import static dev.vigil.app.settings.Settings.UNHEALTHY_AFTER;

import dev.vigil.app.ApiLimits;
import dev.vigil.app.Role;
import dev.vigil.app.StartupException;
import dev.vigil.app.memory.MemoryBudget;
import dev.vigil.detection.stateful.StatefulConfig;
import dev.vigil.ingest.IngestLimits;
import dev.vigil.ingest.WorkspaceQuotas;
import dev.vigil.ingest.admission.AdmissionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration of one Vigil process, validated at start-up: a value for each of
 * {@link Settings#OPTIONS} (read with {@link #get}, changed with {@link #with}) and the roles the
 * process runs. The parts its components take (Kafka overrides, admission, memory budget, API
 * limits, stateful detection) are built and checked here, so a bad value stops start-up with a
 * message naming its option.
 */
public final class VigilConfig {
  private final Map<Setting<?>, Object> values;
  private final Set<Role> roles;
  private final KafkaOverrides kafka;
  private final AdmissionSettings admission;
  private final MemoryBudget memory;
  private final ApiLimits api;
  private final StatefulConfig stateful;

  private VigilConfig(Map<Setting<?>, ?> given, Set<Role> roles) {
    Map<Setting<?>, Object> copy = new HashMap<>();
    given.forEach((setting, value) -> {
      if (value != null) {
        copy.put(setting, setting.kind().cast(value));
      }
    });
    this.values = Map.copyOf(copy);
    this.kafka = KafkaOverrides.of(get(KAFKA_PROPERTY), get(PRODUCER_PROPERTY), get(STREAMS_PROPERTY));
    this.admission = admissionSettings();
    this.memory = MemoryBudget.of(get(MEMORY_BUDGET), roles);
    this.api = apiLimits();
    int port = get(PORT);
    if (port < 0 || port > 65535) {
      throw new StartupException("port " + port + " is out of range: use 1-65535 (or 0 for a free port)");
    }
    if ((get(TLS_CERT) == null) != (get(TLS_KEY) == null)) {
      throw new StartupException("--tls-cert and --tls-key go together: give both, or neither to generate a certificate");
    }
    long bodyLimit = get(BODY_LIMIT);
    if (bodyLimit < 1024) {
      throw new StartupException("body limit " + bodyLimit + " is too small: use at least 1024 bytes");
    }
    int streamThreads = get(STREAM_THREADS);
    if (streamThreads < 1 || streamThreads > 64) {
      throw new StartupException("stream threads " + streamThreads + " must be between 1 and 64");
    }
    Duration unhealthyAfter = get(UNHEALTHY_AFTER);
    if (unhealthyAfter == null || unhealthyAfter.isNegative() || unhealthyAfter.isZero()) {
      throw new StartupException("--unhealthy-after must be a positive ISO-8601 duration, e.g. PT15M");
    }
    Duration bodyTimeout = get(BODY_TIMEOUT);
    if (bodyTimeout == null || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
      throw new StartupException("--body-timeout must be a positive ISO-8601 duration, e.g. PT30S");
    }
    double ingestRate = get(INGEST_RATE);
    if (!(ingestRate > 0) || Double.isInfinite(ingestRate)) {
      throw new StartupException("--ingest-rate " + ingestRate + " must be a positive number of requests per second");
    }
    int ingestBurst = get(INGEST_BURST);
    if (ingestBurst < 1) {
      throw new StartupException("--ingest-burst " + ingestBurst + " must be at least 1");
    }
    this.roles = roles.isEmpty() ? Set.of() : EnumSet.copyOf(roles);
    if (this.roles.isEmpty()) {
      throw new StartupException("a Vigil process needs at least one role");
    }
    if (kafkaBootstrap() == null && !this.roles.equals(Role.all())) {
      throw new StartupException("vigil " + this.roles.iterator().next().command + " runs one role against an existing "
          + "Kafka cluster: give --kafka-bootstrap HOST:PORT (or VIGIL_KAFKA_BOOTSTRAP); vigil up runs every "
          + "role with an embedded broker");
    }
    int brokers = get(BROKERS);
    if (brokers < 1 || brokers > 9) {
      throw new StartupException("--brokers " + brokers + " must be between 1 and 9 (3 gives replication 3)");
    }
    if (brokers > 1 && kafkaBootstrap() != null) {
      throw new StartupException("--brokers " + brokers + " starts local brokers, --kafka-bootstrap uses an existing"
          + " Kafka cluster: give one of them");
    }
    Path rulesDir = get(RULES_DIR);
    if (rulesDir != null && !Files.isDirectory(rulesDir)) {
      throw new StartupException("--rules-dir " + rulesDir + " is not a directory: create it, or point"
          + " --rules-dir at the folder that holds your Sigma rule files");
    }
    for (Path file : get(THREAT_INTEL)) {
      if (!Files.isReadable(file)) {
        throw new StartupException("threat-intelligence file " + file
            + " does not exist or is not readable: give a file of CIDRs, one per line");
      }
    }
    this.stateful = statefulConfig();
  }

  /** The configuration of {@code values} (settings not given take their kind's empty value, not the default). */
  static VigilConfig of(Map<Setting<?>, ?> values, Set<Role> roles) {
    return new VigilConfig(values, roles);
  }

  /** Every declared default, running every role. */
  public static VigilConfig defaults() {
    return new VigilConfig(ServerOptions.defaults(), Role.all());
  }

  /** The defaults with the data in {@code dataDir}, listening on a free port of the loopback address. */
  public static VigilConfig forTests(Path dataDir) {
    return defaults().with(Settings.DATA_DIR, dataDir).with(Settings.BIND, "127.0.0.1").with(PORT, 0);
  }

  /** The value of {@code setting}: null, or an empty list or map, when it has none. */
  public <T> T get(Setting<T> setting) {
    Object value = values.get(setting);
    return value == null ? setting.kind().absent() : setting.kind().cast(value);
  }

  /** The same configuration with {@code setting} set to {@code value} (null: none), validated again. */
  public <T> VigilConfig with(Setting<T> setting, T value) {
    Map<Setting<?>, Object> changed = new HashMap<>(values);
    changed.put(Objects.requireNonNull(setting, "setting"), value);
    return new VigilConfig(changed, roles);
  }

  /** The same configuration running only {@code only}, against {@code bootstrap}. */
  public VigilConfig withRoles(Set<Role> only, String bootstrap) {
    Map<Setting<?>, Object> changed = new HashMap<>(values);
    changed.put(KAFKA_BOOTSTRAP, bootstrap);
    return new VigilConfig(changed, only);
  }

  public Set<Role> roles() {
    return roles;
  }

  public boolean runs(Role role) {
    return roles.contains(role);
  }

  /** The existing Kafka cluster, or null to start the embedded broker (a blank value counts as none). */
  public String kafkaBootstrap() {
    String bootstrap = get(KAFKA_BOOTSTRAP);
    return bootstrap == null || bootstrap.isBlank() ? null : bootstrap;
  }

  public boolean embeddedKafka() {
    return kafkaBootstrap() == null;
  }

  /** Kafka properties passed through to the clients, the producer and Streams. */
  public KafkaOverrides kafka() {
    return kafka;
  }

  /** Per-cluster admission while detection is behind (429 to clusters over their share). */
  public AdmissionSettings admission() {
    return admission;
  }

  /** The memory budget and its split into heap, RocksDB and Kafka buffers. */
  public MemoryBudget memory() {
    return memory;
  }

  /** Bounds of the HTTPS API: connections, live streams, metrics exposure, quotas. */
  public ApiLimits api() {
    return api;
  }

  /** The stateful detectors' settings. */
  public StatefulConfig stateful() {
    return stateful;
  }

  /** The gateway's limits from this configuration. */
  public IngestLimits ingestLimits() {
    return IngestLimits.defaults().withMaxBodyBytes(get(BODY_LIMIT)).withBodyTimeout(get(BODY_TIMEOUT))
        .withRateLimit(get(INGEST_RATE), get(INGEST_BURST));
  }

  private AdmissionSettings admissionSettings() {
    try {
      return new AdmissionSettings(get(MAX_DETECTION_LAG), get(MIN_CLUSTER_RATE));
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage());
    }
  }

  private ApiLimits apiLimits() {
    WorkspaceQuotas quotas;
    try {
      quotas = new WorkspaceQuotas(get(MAX_CLUSTERS), get(MAX_LABELS), get(MAX_LABEL_BYTES), get(MAX_TOKENS));
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage() + " (--max-clusters, --max-labels, --max-label-bytes, --max-tokens)");
    }
    return new ApiLimits(get(MAX_CONNECTIONS), get(IDLE_TIMEOUT), get(HEADER_TIMEOUT), get(MAX_STREAMS),
        get(MAX_STREAMS_PER_TOKEN), get(MAX_STREAMS_PER_WORKSPACE), get(STREAM_BUFFER), get(METRICS_TOKEN),
        get(METRICS_PORT), get(METRICS_BIND), quotas);
  }

  private StatefulConfig statefulConfig() {
    Duration learning = get(BASELINE_LEARNING);
    Duration ttl = get(BASELINE_TTL);
    if (learning == null || ttl == null) {
      throw new StartupException("--baseline-learning and --baseline-ttl need ISO-8601 durations such as P7D or PT0S");
    }
    try {
      return StatefulConfig.defaults().withBaseline(learning, ttl).withThreatIntelFiles(get(THREAT_INTEL));
    } catch (IllegalArgumentException e) {
      throw new StartupException("bad stateful detection setting: " + e.getMessage());
    }
  }
}
