package dev.vigil.app.settings;

import dev.vigil.app.ApiLimits;
import dev.vigil.app.Role;
import dev.vigil.app.StartupException;
import dev.vigil.app.memory.MemoryBudget;
import dev.vigil.detection.stateful.StatefulConfig;
import dev.vigil.ingest.IngestLimits;
import dev.vigil.ingest.admission.AdmissionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of one {@code vigil up} process, validated at start-up. Each field is a flag of
 * {@code vigil up} and an environment variable (see the README's configuration table).
 *
 * @param dataDir where the embedded broker, Streams state, TLS material and admin token live
 * @param bindHost address the HTTPS port listens on
 * @param port HTTPS port; 0 picks a free one (tests)
 * @param kafkaBootstrap an existing Kafka cluster, or null to start the embedded broker
 * @param tlsCert operator-provided PEM certificate (with {@code tlsKey}), or null to generate one
 * @param tlsKey operator-provided PEM private key
 * @param hostnames extra names for the generated certificate
 * @param bodyLimitBytes largest request body, before and after gzip decoding
 * @param streamThreads Kafka Streams threads per application
 * @param alertDedupWindow findings with one fingerprint within this window update one alert
 * @param unhealthyAfter silence after which a cluster that sent events is reported Unhealthy
 * @param rulesDir a folder of Sigma rules (watched for changes), or null for the shipped rules only
 * @param rulesLenient skip invalid Sigma rules with a warning instead of refusing to start
 * @param baselineLearning learning period of the baseline detectors ({@code PT0S} for demos)
 * @param baselineTtl how long a learned baseline entry is kept without being seen again
 * @param threatIntelFiles CIDR lists for {@code K8S_TI_Proxy}, re-read when they change
 * @param detectionConfig a YAML file of detection allow-lists and data lists layered on the shipped
 *     defaults, or null for the defaults alone
 * @param roles the roles this process runs ({@code vigil up}: all of them)
 * @param kafka Kafka properties passed through to the clients, the producer and Streams
 * @param bodyTimeout longest time from an ingest request's headers to the end of its body (408)
 * @param ingestRate sustained ingest requests per second allowed to one token (429 beyond it)
 * @param ingestBurst ingest requests one token may send at once above the sustained rate
 * @param admission per-cluster admission while detection is behind (429 to clusters over their share)
 * @param memory the memory budget and its split into heap, RocksDB and Kafka buffers
 * @param api bounds of the HTTPS API: connections, live streams, metrics exposure, quotas
 */
public record VigilConfig(
    Path dataDir,
    String bindHost,
    int port,
    String kafkaBootstrap,
    Path tlsCert,
    Path tlsKey,
    List<String> hostnames,
    long bodyLimitBytes,
    int streamThreads,
    Duration alertDedupWindow,
    Duration unhealthyAfter,
    Path rulesDir,
    boolean rulesLenient,
    Duration baselineLearning,
    Duration baselineTtl,
    List<Path> threatIntelFiles,
    Path detectionConfig,
    Set<Role> roles,
    KafkaOverrides kafka,
    Duration bodyTimeout,
    double ingestRate,
    int ingestBurst,
    AdmissionSettings admission,
    MemoryBudget memory,
    ApiLimits api) {

  public static final int DEFAULT_PORT = 8443;
  public static final long DEFAULT_BODY_LIMIT = 12L * 1024 * 1024;
  public static final Duration DEFAULT_BASELINE_LEARNING = Duration.ofDays(7);
  public static final Duration DEFAULT_BASELINE_TTL = Duration.ofDays(30);

  public VigilConfig {
    if (port < 0 || port > 65535) {
      throw new StartupException("port " + port + " is out of range: use 1-65535 (or 0 for a free port)");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new StartupException("--tls-cert and --tls-key go together: give both, or neither to generate a certificate");
    }
    if (bodyLimitBytes < 1024) {
      throw new StartupException("body limit " + bodyLimitBytes + " is too small: use at least 1024 bytes");
    }
    if (streamThreads < 1 || streamThreads > 64) {
      throw new StartupException("stream threads " + streamThreads + " must be between 1 and 64");
    }
    if (kafkaBootstrap != null && kafkaBootstrap.isBlank()) {
      kafkaBootstrap = null;
    }
    if (unhealthyAfter == null || unhealthyAfter.isNegative() || unhealthyAfter.isZero()) {
      throw new StartupException("--unhealthy-after must be a positive ISO-8601 duration, e.g. PT15M");
    }
    if (bodyTimeout == null || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
      throw new StartupException("--body-timeout must be a positive ISO-8601 duration, e.g. PT30S");
    }
    if (!(ingestRate > 0) || Double.isInfinite(ingestRate)) {
      throw new StartupException("--ingest-rate " + ingestRate + " must be a positive number of requests per second");
    }
    if (ingestBurst < 1) {
      throw new StartupException("--ingest-burst " + ingestBurst + " must be at least 1");
    }
    if (api == null) {
      api = ApiLimits.defaults();
    }
    hostnames = List.copyOf(hostnames);
    roles = roles.isEmpty() ? Set.of() : java.util.EnumSet.copyOf(roles);
    if (roles.isEmpty()) {
      throw new StartupException("a Vigil process needs at least one role");
    }
    if (kafkaBootstrap == null && !roles.equals(Role.all())) {
      throw new StartupException("vigil " + roles.iterator().next().command + " runs one role against an existing "
          + "Kafka cluster: give --kafka-bootstrap HOST:PORT (or VIGIL_KAFKA_BOOTSTRAP); vigil up runs every "
          + "role with an embedded broker");
    }
    if (rulesDir != null && !Files.isDirectory(rulesDir)) {
      throw new StartupException("--rules-dir " + rulesDir + " is not a directory: create it, or point"
          + " --rules-dir at the folder that holds your Sigma rule files");
    }
    threatIntelFiles = List.copyOf(threatIntelFiles);
    for (Path file : threatIntelFiles) {
      if (!Files.isReadable(file)) {
        throw new StartupException("threat-intelligence file " + file
            + " does not exist or is not readable: give a file of CIDRs, one per line");
      }
    }
    stateful(baselineLearning, baselineTtl, threatIntelFiles);
  }

  /** The stateful detectors' settings. */
  public StatefulConfig stateful() {
    return stateful(baselineLearning, baselineTtl, threatIntelFiles);
  }

  private static StatefulConfig stateful(Duration learning, Duration ttl, List<Path> threatIntel) {
    if (learning == null || ttl == null) {
      throw new StartupException("--baseline-learning and --baseline-ttl need ISO-8601 durations such as P7D or PT0S");
    }
    try {
      return StatefulConfig.defaults().withBaseline(learning, ttl).withThreatIntelFiles(threatIntel);
    } catch (IllegalArgumentException e) {
      throw new StartupException("bad stateful detection setting: " + e.getMessage());
    }
  }

  public static VigilConfig forTests(Path dataDir) {
    return new VigilConfig(dataDir, "127.0.0.1", 0, null, null, null, List.of(), DEFAULT_BODY_LIMIT, 1,
        Duration.ofHours(1), Duration.ofMinutes(15), null, false, DEFAULT_BASELINE_LEARNING, DEFAULT_BASELINE_TTL,
        List.of(), null, Role.all(), KafkaOverrides.none(), IngestLimits.DEFAULT_BODY_TIMEOUT,
        IngestLimits.DEFAULT_REQUESTS_PER_SECOND, IngestLimits.DEFAULT_BURST, AdmissionSettings.DEFAULTS,
        MemoryBudget.of(MemoryBudget.DEFAULT_BYTES, Role.all()), null);
  }

  public VigilConfig withRules(Path dir, boolean lenient) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, unhealthyAfter, dir, lenient, baselineLearning, baselineTtl,
        threatIntelFiles, detectionConfig, roles, kafka, bodyTimeout, ingestRate, ingestBurst, admission,
        memory, api);
  }

  public VigilConfig withBaselineLearning(Duration learning) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames,
        bodyLimitBytes, streamThreads, alertDedupWindow, unhealthyAfter, rulesDir, rulesLenient, learning,
        baselineTtl, threatIntelFiles, detectionConfig, roles, kafka, bodyTimeout, ingestRate, ingestBurst, admission,
        memory, api);
  }

  public VigilConfig withThreatIntelFiles(List<Path> files) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames,
        bodyLimitBytes, streamThreads, alertDedupWindow, unhealthyAfter, rulesDir, rulesLenient,
        baselineLearning, baselineTtl, files, detectionConfig, roles, kafka, bodyTimeout, ingestRate, ingestBurst, admission,
        memory, api);
  }

  /** The same configuration with this detection config file. */
  public VigilConfig withDetectionConfig(Path file) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, unhealthyAfter, rulesDir, rulesLenient, baselineLearning, baselineTtl,
        threatIntelFiles, file, roles, kafka, bodyTimeout, ingestRate, ingestBurst, admission,
        memory, api);
  }

  public VigilConfig withKafkaBootstrap(String bootstrap) {
    return withRoles(roles, bootstrap);
  }

  /** The same configuration with these properties for every Kafka client ({@code --kafka-property}). */
  public VigilConfig withKafkaClientProperties(Map<String, String> client) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, unhealthyAfter, rulesDir, rulesLenient, baselineLearning, baselineTtl,
        threatIntelFiles, detectionConfig, roles, KafkaOverrides.of(client, kafka.producer(), kafka.streams()),
        bodyTimeout, ingestRate, ingestBurst, admission, memory, api);
  }

  public VigilConfig withIngest(Duration timeout, double rate, int burst) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, unhealthyAfter, rulesDir, rulesLenient, baselineLearning, baselineTtl,
        threatIntelFiles, detectionConfig, roles, kafka, timeout, rate, burst, admission, memory, api);
  }

  /** The same configuration with this admission control (see {@link AdmissionSettings}). */
  public VigilConfig withAdmission(AdmissionSettings settings) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, unhealthyAfter, rulesDir, rulesLenient, baselineLearning, baselineTtl,
        threatIntelFiles, detectionConfig, roles, kafka, bodyTimeout, ingestRate, ingestBurst, settings,
        memory, api);
  }

  public VigilConfig withApi(ApiLimits limits) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, unhealthyAfter, rulesDir, rulesLenient, baselineLearning, baselineTtl,
        threatIntelFiles, detectionConfig, roles, kafka, bodyTimeout, ingestRate, ingestBurst, admission, memory,
        limits);
  }

  /** The gateway's limits from this configuration. */
  public IngestLimits ingestLimits() {
    return IngestLimits.defaults().withMaxBodyBytes(bodyLimitBytes).withBodyTimeout(bodyTimeout)
        .withRateLimit(ingestRate, ingestBurst);
  }

  public boolean runs(Role role) {
    return roles.contains(role);
  }

  /** The same configuration running only {@code only}, against {@code bootstrap}. */
  public VigilConfig withRoles(Set<Role> only, String bootstrap) {
    return new VigilConfig(dataDir, bindHost, port, bootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, unhealthyAfter, rulesDir, rulesLenient, baselineLearning, baselineTtl,
        threatIntelFiles, detectionConfig, only, kafka, bodyTimeout, ingestRate, ingestBurst, admission,
        MemoryBudget.of(memory.totalBytes(), only), api);
  }

  public boolean embeddedKafka() {
    return kafkaBootstrap == null;
  }
}
