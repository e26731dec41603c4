package dev.vigil.detection.parsing;

import dev.vigil.schemas.AuditEvent;

/**
 * A validated audit event with the gateway's headers: the value of the detection stream after the
 * stage rule, which the stateful detectors ({@code dev.vigil.detection.stateful}) consume too.
 *
 * @param cluster the sending cluster ({@code vigil-cluster} header)
 * @param workspace the cluster's workspace ({@code vigil-workspace} header)
 * @param receivedMs when the gateway received the event, epoch millis ({@code vigil-received-ms})
 * @param backfill whether it was sent as history ({@code vigil-backfill: true})
 */
public record AuditRecord(
    AuditEvent event, String cluster, String workspace, long receivedMs, boolean backfill) {

  /** A live event (not backfilled). */
  public AuditRecord(AuditEvent event, String cluster, String workspace, long receivedMs) {
    this(event, cluster, workspace, receivedMs, false);
  }

  /**
   * Whether this is history too old to alert on: backfilled and older (event time) than {@code
   * horizonMs} before {@code nowMs}. Such an event teaches the baselines and raises nothing. Live
   * events are never historical, however old their timestamps (replayed files keep theirs).
   */
  public boolean historical(long nowMs, long horizonMs) {
    return backfill && event.stageTimestamp().toEpochMilli() < nowMs - horizonMs;
  }
}
