package dev.vigil.schemas;

import java.time.Instant;

/** A triage decision on an alert: the value of {@code vigil.alert-status.v1} (key: alert id). */
public record AlertStatusChange(
    String alertId, AlertStatus status, String comment, String changedBy, Instant changedAt) {}
