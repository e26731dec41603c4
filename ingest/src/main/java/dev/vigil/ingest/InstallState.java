package dev.vigil.ingest;

/** Whether a registered cluster is sending audit events, as seen by this gateway. */
public enum InstallState {
  /** Registered, but no event has arrived yet: the webhook or agent is not installed. */
  Pending,
  /** Events arrived within the silence threshold. */
  Healthy,
  /** Events arrived once, but none within the silence threshold. */
  Unhealthy
}
