package dev.vigil.ingest;

import dev.vigil.ingest.identity.ClusterNames;
/**
 * Per-workspace quotas of the management API, checked by the routes before anything is written: one
 * admin must not be able to register clusters, labels or tokens without bound.
 *
 * @param maxClusters clusters one workspace may register
 * @param maxLabelsPerCluster labels of one cluster
 * @param maxLabelBytesPerCluster UTF-8 bytes of all label keys and values of one cluster
 * @param maxTokens API tokens one workspace may hold (revoked ones do not count)
 */
public record WorkspaceQuotas(
    int maxClusters, int maxLabelsPerCluster, int maxLabelBytesPerCluster, int maxTokens) {

  public static final int DEFAULT_MAX_CLUSTERS = 1000;
  public static final int DEFAULT_MAX_LABELS = 32;
  public static final int DEFAULT_MAX_LABEL_BYTES = 8 * 1024;
  public static final int DEFAULT_MAX_TOKENS = 200;

  public WorkspaceQuotas {
    if (maxClusters < 1 || maxTokens < 1 || maxLabelBytesPerCluster < 1) {
      throw new IllegalArgumentException("quotas on clusters, tokens and label bytes must be at least 1");
    }
    if (maxLabelsPerCluster < 0 || maxLabelsPerCluster > ClusterNames.MAX_LABELS) {
      throw new IllegalArgumentException(
          "the label quota must be 0.." + ClusterNames.MAX_LABELS + " labels per cluster");
    }
  }

  public static WorkspaceQuotas defaults() {
    return new WorkspaceQuotas(
        DEFAULT_MAX_CLUSTERS, DEFAULT_MAX_LABELS, DEFAULT_MAX_LABEL_BYTES, DEFAULT_MAX_TOKENS);
  }
}
