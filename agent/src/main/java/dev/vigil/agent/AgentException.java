package dev.vigil.agent;

/** The agent stopped for a reason the operator must fix; {@link #exitStatus()} is the process exit. */
public class AgentException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int exitStatus;

  AgentException(int exitStatus, String message) {
    super(message);
    this.exitStatus = exitStatus;
  }

  public int exitStatus() {
    return exitStatus;
  }
}
