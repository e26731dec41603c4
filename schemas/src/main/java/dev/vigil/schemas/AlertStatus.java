package dev.vigil.schemas;

/** Triage status of an alert. */
public enum AlertStatus {
  Active,
  InProgress,
  Resolved,
  Dismissed
}
