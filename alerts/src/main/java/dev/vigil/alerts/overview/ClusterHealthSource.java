package dev.vigil.alerts.overview;

import java.util.List;

/**
 * The clusters of a workspace with their ingest health, from the gateway's registry and activity when
 * this process runs the gateway; the alerts module knows neither, so the process that composes the
 * roles supplies it.
 */
@FunctionalInterface
public interface ClusterHealthSource {
  /** The clusters of {@code workspace}; never another workspace's. */
  List<ClusterHealth> clusters(String workspace);

  /** No cluster health: a process that serves the alerts API without the gateway. */
  static ClusterHealthSource none() {
    return workspace -> List.of();
  }
}
