package dev.vigil.schemas;

/**
 * Who is calling the HTTP API, resolved from a bearer token.
 *
 * @param role {@link #CLUSTER} (an ingest token of one cluster), {@link ApiToken#ROLE_READER} or
 *     {@link ApiToken#ROLE_ADMIN}
 * @param workspace the workspace the token belongs to; a caller never sees another workspace
 * @param name the cluster name for cluster tokens, the token id for API tokens (safe to log)
 */
public record Caller(String role, String workspace, String name) {
  public static final String CLUSTER = "cluster";

  public boolean isCluster() {
    return CLUSTER.equals(role);
  }

  public boolean isAdmin() {
    return ApiToken.ROLE_ADMIN.equals(role);
  }

  /** Readers and admins may read alerts and clusters of their own workspace. */
  public boolean canRead(String otherWorkspace) {
    return (isAdmin() || ApiToken.ROLE_READER.equals(role)) && workspace.equals(otherWorkspace);
  }

  /** Only admins may change anything, and only in their own workspace. */
  public boolean canWrite(String otherWorkspace) {
    return isAdmin() && workspace.equals(otherWorkspace);
  }
}
