package dev.vigil.app;

import dev.vigil.ingest.IngestLimits;
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
 * @param unhealthyAfter silence after which a cluster that sent events is reported Unhealthy
 * @param bodyTimeout longest time from an ingest request's headers to the end of its body (408)
 * @param ingestRate sustained ingest requests per second allowed to one token (429 beyond it)
 * @param ingestBurst ingest requests one token may send at once above the sustained rate
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
    Duration unhealthyAfter,
    Duration bodyTimeout,
    double ingestRate,
    int ingestBurst) {

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
    hostnames = List.copyOf(hostnames);
  }

  static VigilConfig forTests(Path dataDir) {
    return new VigilConfig(dataDir, "127.0.0.1", 0, null, null, null, List.of(), DEFAULT_BODY_LIMIT, 1,
        Duration.ofHours(1), Duration.ofMinutes(15), IngestLimits.DEFAULT_BODY_TIMEOUT,
        IngestLimits.DEFAULT_REQUESTS_PER_SECOND, IngestLimits.DEFAULT_BURST);
  }

  VigilConfig withKafkaBootstrap(String bootstrap) {
    return new VigilConfig(dataDir, bindHost, port, bootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, unhealthyAfter, bodyTimeout, ingestRate, ingestBurst);
  }

  VigilConfig withIngest(Duration timeout, double rate, int burst) {
    return new VigilConfig(dataDir, bindHost, port, kafkaBootstrap, tlsCert, tlsKey, hostnames, bodyLimitBytes,
        streamThreads, alertDedupWindow, unhealthyAfter, timeout, rate, burst);
  }

  /** The gateway's limits from this configuration. */
  IngestLimits ingestLimits() {
    return IngestLimits.defaults().withMaxBodyBytes(bodyLimitBytes).withBodyTimeout(bodyTimeout)
        .withRateLimit(ingestRate, ingestBurst);
  }

  boolean embeddedKafka() {
    return kafkaBootstrap == null;
  }
}
