package dev.vigil.ingest.identity;

/** The workspace already has a cluster of that name (HTTP 409); other workspaces' names never conflict. */
public final class ClusterExistsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ClusterExistsException(String name) {
    super("a cluster named '" + name + "' is already registered in this workspace; pick another name or delete it first");
  }
}
