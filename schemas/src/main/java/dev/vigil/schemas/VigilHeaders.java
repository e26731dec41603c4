package dev.vigil.schemas;

/** Kafka record header names Vigil writes. */
public final class VigilHeaders {
  /** Name of the cluster whose token sent the event. */
  public static final String CLUSTER = "vigil-cluster";
  /** Workspace of that cluster. */
  public static final String WORKSPACE = "vigil-workspace";
  /** Epoch millis at which the gateway received the event, as decimal text. */
  public static final String RECEIVED_MS = "vigil-received-ms";
  /**
   * On raw records sent as history ({@code POST /v1/audit?backfill=true}, {@code vigil send
   * --backfill}, the agent's first pass over rotated files): {@code true}. Absent on live events.
   */
  public static final String BACKFILL = "vigil-backfill";
  /** On DLQ records: a human-readable reason for the rejection. */
  public static final String REASON = "vigil-reason";
  /**
   * On {@code vigil.alerts.v1} records: what the record is, {@code create} (a new alert), {@code
   * update} (count, times or status changed) or {@code close} (set to Resolved or Dismissed).
   */
  public static final String ALERT_ACTIVITY = "vigil-alert-activity";
  /**
   * On {@code vigil.alerts.v1} records written because of a triage decision: the new status. Absent
   * on new alerts and on count updates, so a consumer can tell a status change from more events.
   */
  public static final String ALERT_STATUS_CHANGE = "vigil-alert-status-change";

  private VigilHeaders() {}
}
