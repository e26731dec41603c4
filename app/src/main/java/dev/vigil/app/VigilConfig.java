package dev.vigil.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
 * @param detectionConfig a YAML file of detection allow-lists and data lists layered on the shipped
 *     defaults, or null for the defaults alone
 */
record VigilConfig(
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
    Path detectionConfig) {

  static final int DEFAULT_PORT = 8443;
  static final long DEFAULT_BODY_LIMIT = 12L * 1024 * 1024;

  VigilConfig {
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
    hostnames = List.copyOf(hostnames);
  }

  static VigilConfig forTests(Path dataDir) {
    return new VigilConfig(dataDir, "127.0.0.1", 0, null, null, null, List.of(), DEFAULT_BODY_LIMIT, 1,
        Duration.ofHours(1), null);
  }

  /** The same configuration with this detection config file. */
  VigilConfig withDetectionConfig(Path file) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, file);
  }

  boolean embeddedKafka() {
    return kafkaBootstrap == null;
  }
}
