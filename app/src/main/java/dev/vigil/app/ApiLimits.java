package dev.vigil.app;

import dev.vigil.ingest.WorkspaceQuotas;
import java.time.Duration;

/**
 * The bounds of the HTTPS API of one process: connections, live streams, {@code /metrics} exposure and
 * per-workspace quotas. Each field is a server option ({@link dev.vigil.app.settings.Settings}); built by
 * {@link dev.vigil.app.settings.VigilConfig}.
 *
 * @param maxConnections open connections of the HTTPS port; a connection beyond it is closed at once
 * @param idleTimeout a connection with no bytes read or written this long is closed
 * @param headerTimeout a request's line and headers must arrive within this time of the connection's
 *     first byte (or of the previous request), else the connection is closed
 * @param maxStreams live alert streams open at once on this instance
 * @param maxStreamsPerToken live streams one token may hold open
 * @param maxStreamsPerWorkspace live streams one workspace may hold open
 * @param streamBufferBytes bytes a live stream may have waiting for a slow reader before it is cut off
 * @param metricsToken whether {@code /metrics} needs an admin token of workspace {@code default}
 * @param metricsPort a separate port for {@code /metrics} (-1: served on the HTTPS port)
 * @param metricsBind the address of {@code metricsPort}
 * @param quotas per-workspace quotas on clusters, labels and tokens
 */
public record ApiLimits(
    int maxConnections,
    Duration idleTimeout,
    Duration headerTimeout,
    int maxStreams,
    int maxStreamsPerToken,
    int maxStreamsPerWorkspace,
    long streamBufferBytes,
    boolean metricsToken,
    int metricsPort,
    String metricsBind,
    WorkspaceQuotas quotas) {

  public ApiLimits {
    if (maxConnections < 1) {
      throw new StartupException("--max-connections " + maxConnections + " must be at least 1");
    }
    positive("--idle-timeout", idleTimeout);
    positive("--header-timeout", headerTimeout);
    if (idleTimeout.toSeconds() < 20) {
      // The live stream writes a keepalive every 15 s; a shorter idle timeout would cut every quiet stream.
      throw new StartupException("--idle-timeout " + idleTimeout + " must be at least PT20S");
    }
    if (maxStreams < 1 || maxStreamsPerToken < 1 || maxStreamsPerWorkspace < 1) {
      throw new StartupException("--max-streams, --max-streams-per-token and --max-streams-per-workspace"
          + " must be at least 1");
    }
    if (streamBufferBytes < 16 * 1024) {
      throw new StartupException("--stream-buffer " + streamBufferBytes + " must be at least 16384 bytes");
    }
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new StartupException("--metrics-port " + metricsPort + " must be 0-65535, or -1 for the HTTPS port");
    }
  }

  private static void positive(String flag, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new StartupException(flag + " must be a positive ISO-8601 duration, e.g. PT10S");
    }
  }
}
