package dev.vigil.schemas;

/**
 * Keys that identify a cluster. A cluster name is unique only within its workspace, so every key
 * naming a cluster starts with the workspace: {@code workspace/cluster}. Workspace and cluster names
 * are DNS labels ({@code [a-z0-9.-]}), so the first two {@code /} always separate them, and what
 * follows (a user name) may contain anything.
 */
public final class ClusterKeys {
  private ClusterKeys() {}

  /** {@code workspace/cluster}: the key of a cluster in {@code vigil.clusters.v1} and in memory. */
  public static String of(String workspace, String cluster) {
    return workspace + "/" + cluster;
  }

  /** {@code workspace/cluster/user}: the key of {@code vigil.audit.raw.v1} and of per-principal state. */
  public static String rawKey(String workspace, String cluster, String user) {
    return workspace + "/" + cluster + "/" + (user == null ? "" : user);
  }
}
