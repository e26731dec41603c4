package dev.vigil.app.settings;

import dev.vigil.app.ApiLimits;
import dev.vigil.app.Role;
import dev.vigil.app.StartupException;
import dev.vigil.app.memory.MemoryBudget;
import dev.vigil.ingest.WorkspaceQuotas;
import dev.vigil.ingest.admission.AdmissionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of every server command ({@code up}, {@code gateway}, {@code detect},
 * {@code alerts-api}). Each option {@code --name} is also read from the environment variable
 * {@code VIGIL_NAME} and from the key {@code name} of the YAML file given by {@code --config}
 * ({@link VigilDefaults}); a flag wins over the environment, which wins over the file.
 */
public final class ServerOptions {
  @Option(names = "--config", description = "YAML file of these options, keys without the leading dashes (env VIGIL_CONFIG)")
  Path configFile;

  @Option(names = "--data-dir", defaultValue = "data",
      description = "data directory (env VIGIL_DATA_DIR, default ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--port", defaultValue = "8443",
      description = "HTTPS port (env VIGIL_PORT, default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", defaultValue = "0.0.0.0",
      description = "address to listen on (env VIGIL_BIND, default ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--kafka-bootstrap", description = "an existing Kafka cluster, HOST:PORT[,...] (env VIGIL_KAFKA_BOOTSTRAP); default: embedded broker")
  String kafkaBootstrap;

  @Option(names = "--tls-cert", description = "PEM certificate (env VIGIL_TLS_CERT); default: generated into DATA/tls")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key for --tls-cert (env VIGIL_TLS_KEY)")
  Path tlsKey;

  @Option(names = "--hostname", split = ",",
      description = "extra host names for the generated certificate (env VIGIL_HOSTNAME=a,b)")
  List<String> hostnames = new ArrayList<>();

  @Option(names = "--body-limit", defaultValue = "12582912",
      description = "largest request body in bytes, also after gzip decoding (env VIGIL_BODY_LIMIT, default ${DEFAULT-VALUE})")
  long bodyLimit;

  @Option(names = "--stream-threads", defaultValue = "1",
      description = "Kafka Streams threads per application (env VIGIL_STREAM_THREADS, default ${DEFAULT-VALUE})")
  int streamThreads;

  @Option(names = "--alert-window", defaultValue = "PT1H",
      description = "findings of one fingerprint within this ISO-8601 duration update one alert (env VIGIL_ALERT_WINDOW, default ${DEFAULT-VALUE})")
  Duration alertWindow;

  @Option(names = "--unhealthy-after", defaultValue = "PT15M",
      description = "a cluster silent this long (ISO-8601 duration) is Unhealthy (env VIGIL_UNHEALTHY_AFTER, default ${DEFAULT-VALUE})")
  Duration unhealthyAfter;

  @Option(names = "--rules-dir", description = "a folder of Sigma rules for Kubernetes audit logs, reloaded when a file changes (env VIGIL_RULES_DIR); the shipped rules always load")
  Path rulesDir;

  @Option(names = "--rules-lenient", defaultValue = "false",
      description = "skip invalid Sigma rules with a warning instead of refusing to start (env VIGIL_RULES_LENIENT)")
  boolean rulesLenient;

  @Option(names = "--baseline-learning", defaultValue = "P7D",
      description = "learning period of the baseline detectors, ISO-8601; PT0S alerts on first sight (env VIGIL_BASELINE_LEARNING, default ${DEFAULT-VALUE})")
  Duration baselineLearning;

  @Option(names = "--baseline-ttl", defaultValue = "P30D",
      description = "a learned baseline entry unseen this long is forgotten (env VIGIL_BASELINE_TTL, default ${DEFAULT-VALUE})")
  Duration baselineTtl;

  @Option(names = "--threat-intel", split = ",", description = "CIDR list files (IPv4/IPv6, one per line) for K8S_TI_Proxy, re-read when changed (env VIGIL_THREAT_INTEL)")
  List<Path> threatIntel = new ArrayList<>();

  @Option(names = "--detection-config", description = "YAML file of detection allow-lists and data lists, layered on the shipped defaults "
          + "(env VIGIL_DETECTION_CONFIG); an unknown key stops start-up")
  Path detectionConfig;

  @Option(names = "--body-timeout", defaultValue = "PT30S",
      description = "an ingest body must arrive within this ISO-8601 duration of its headers, else 408 (env VIGIL_BODY_TIMEOUT, default ${DEFAULT-VALUE})")
  Duration bodyTimeout;

  @Option(names = "--ingest-rate", defaultValue = "100",
      description = "ingest requests per second allowed to one token, else 429 (env VIGIL_INGEST_RATE, default ${DEFAULT-VALUE})")
  double ingestRate;

  @Option(names = "--ingest-burst", defaultValue = "200",
      description = "ingest requests one token may send at once above --ingest-rate (env VIGIL_INGEST_BURST, default ${DEFAULT-VALUE})")
  int ingestBurst;

  @Option(names = "--max-detection-lag", defaultValue = "PT2S",
      description = "when detection is this far behind (ISO-8601 duration of its work), clusters sending more than their "
          + "fair share get 429 with Retry-After; PT0S switches it off (env VIGIL_MAX_DETECTION_LAG, default ${DEFAULT-VALUE})")
  Duration maxDetectionLag;

  @Option(names = "--min-cluster-rate", defaultValue = "500",
      description = "events per second every cluster may send however far detection is behind "
          + "(env VIGIL_MIN_CLUSTER_RATE, default ${DEFAULT-VALUE})")
  int minClusterRate;

  @Option(names = "--memory-budget", defaultValue = MemoryBudget.DEFAULT, converter = MemoryBudget.SizeConverter.class,
      description = "memory of the whole process, split into Java heap, RocksDB and Kafka buffers; ./vigil starts "
          + "the JVM with the heap this gives, e.g. 768m or 2g (env VIGIL_MEMORY_BUDGET, default ${DEFAULT-VALUE})")
  long memoryBudget;

  /** The {@code --memory-budget} in bytes, for the launcher's JVM options. */
  public long memoryBudget() {
    return memoryBudget;
  }

  @Option(names = "--max-connections", defaultValue = "1000",
      description = "open connections of the HTTPS port; beyond it a new connection is closed at once (env VIGIL_MAX_CONNECTIONS, default ${DEFAULT-VALUE})")
  int maxConnections;

  @Option(names = "--idle-timeout", defaultValue = "PT2M",
      description = "a connection with no traffic this long (ISO-8601) is closed (env VIGIL_IDLE_TIMEOUT, default ${DEFAULT-VALUE})")
  Duration idleTimeout;

  @Option(names = "--header-timeout", defaultValue = "PT10S",
      description = "a request line and headers must arrive within this ISO-8601 duration, else the connection is closed (env VIGIL_HEADER_TIMEOUT, default ${DEFAULT-VALUE})")
  Duration headerTimeout;

  @Option(names = "--max-streams", defaultValue = "64",
      description = "live alert streams open at once on this instance (env VIGIL_MAX_STREAMS, default ${DEFAULT-VALUE})")
  int maxStreams;

  @Option(names = "--max-streams-per-token", defaultValue = "4",
      description = "live alert streams one token may hold open, else 429 (env VIGIL_MAX_STREAMS_PER_TOKEN, default ${DEFAULT-VALUE})")
  int maxStreamsPerToken;

  @Option(names = "--max-streams-per-workspace", defaultValue = "16",
      description = "live alert streams one workspace may hold open, else 429 (env VIGIL_MAX_STREAMS_PER_WORKSPACE, default ${DEFAULT-VALUE})")
  int maxStreamsPerWorkspace;

  @Option(names = "--stream-buffer", defaultValue = "1048576",
      description = "bytes a live stream may have waiting for a slow reader before it is disconnected (env VIGIL_STREAM_BUFFER, default ${DEFAULT-VALUE})")
  long streamBuffer;

  @Option(names = "--metrics-token", defaultValue = "false",
      description = "/metrics needs an admin token of workspace default (env VIGIL_METRICS_TOKEN)")
  boolean metricsToken;

  @Option(names = "--metrics-port", defaultValue = "-1",
      description = "serve /metrics on this separate plain-HTTP port instead of the HTTPS port (-1: HTTPS port; env VIGIL_METRICS_PORT)")
  int metricsPort;

  @Option(names = "--metrics-bind", defaultValue = "127.0.0.1",
      description = "listen address of --metrics-port (env VIGIL_METRICS_BIND, default ${DEFAULT-VALUE})")
  String metricsBind;

  @Option(names = "--max-clusters", defaultValue = "1000",
      description = "clusters one workspace may register, else 422 (env VIGIL_MAX_CLUSTERS, default ${DEFAULT-VALUE})")
  int maxClusters;

  @Option(names = "--max-labels", defaultValue = "32",
      description = "labels of one cluster (env VIGIL_MAX_LABELS, default ${DEFAULT-VALUE})")
  int maxLabels;

  @Option(names = "--max-label-bytes", defaultValue = "8192",
      description = "bytes of all label keys and values of one cluster (env VIGIL_MAX_LABEL_BYTES, default ${DEFAULT-VALUE})")
  int maxLabelBytes;

  @Option(names = "--max-tokens", defaultValue = "200",
      description = "API tokens one workspace may hold, else 422 (env VIGIL_MAX_TOKENS, default ${DEFAULT-VALUE})")
  int maxTokens;

  @Option(names = "--kafka-property", split = ",", mapFallbackValue = "",
      description = "a Kafka client property for every client, k=v (repeatable; env VIGIL_KAFKA_PROPERTY=k=v,k2=v2)")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--producer-property", split = ",", mapFallbackValue = "",
      description = "a property of the gateway's producer, k=v (repeatable; env VIGIL_PRODUCER_PROPERTY)")
  Map<String, String> producerProperties = new LinkedHashMap<>();

  @Option(names = "--streams-property", split = ",", mapFallbackValue = "",
      description = "a Kafka Streams property of detection and alerts, k=v (repeatable; env VIGIL_STREAMS_PROPERTY)")
  Map<String, String> streamsProperties = new LinkedHashMap<>();

  private AdmissionSettings admission() {
    try {
      return new AdmissionSettings(maxDetectionLag, minClusterRate);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage());
    }
  }

  /** The validated configuration of a process running {@code roles}. */
  public VigilConfig toConfig(CommandSpec spec, Set<Role> roles) {
    VigilDefaults.of(spec).checkFileKeys(spec);
    return new VigilConfig(dataDir, bind, port, kafkaBootstrap, tlsCert, tlsKey,
        hostnames == null ? List.of() : hostnames, bodyLimit, streamThreads, alertWindow, unhealthyAfter,
        rulesDir, rulesLenient, baselineLearning, baselineTtl, threatIntel == null ? List.of() : threatIntel,
        detectionConfig, roles, KafkaOverrides.of(kafkaProperties, producerProperties, streamsProperties),
        bodyTimeout, ingestRate, ingestBurst, admission(), MemoryBudget.of(memoryBudget, roles), apiLimits());
  }

  private ApiLimits apiLimits() {
    WorkspaceQuotas quotas;
    try {
      quotas = new WorkspaceQuotas(maxClusters, maxLabels, maxLabelBytes, maxTokens);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage() + " (--max-clusters, --max-labels, --max-label-bytes, --max-tokens)");
    }
    return new ApiLimits(maxConnections, idleTimeout, headerTimeout, maxStreams, maxStreamsPerToken,
        maxStreamsPerWorkspace, streamBuffer, metricsToken, metricsPort, metricsBind, quotas);
  }
}
