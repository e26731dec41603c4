package dev.vigil.agent;

/** The gateway refused the ingest token (401 or 403): the cluster was removed or the token revoked. */
public final class TokenRefusedException extends AgentException {
  private static final long serialVersionUID = 1L;

  TokenRefusedException(String message) {
    super(Agent.EXIT_TOKEN_REFUSED, message);
  }
}
