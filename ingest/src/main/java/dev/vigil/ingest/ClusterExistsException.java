package dev.vigil.ingest;

/** A cluster of that name is already registered (HTTP 409). */
public final class ClusterExistsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ClusterExistsException(String name) {
    super("a cluster named '" + name + "' is already registered; pick another name or delete it first");
  }
}
