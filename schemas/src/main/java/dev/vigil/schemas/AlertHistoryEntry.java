package dev.vigil.schemas;

import java.time.Instant;

/**
 * One triage change in an alert's {@code history}.
 *
 * @param status the status the alert was set to
 * @param comment the analyst's comment, or null
 * @param changedBy who made the change: {@code role:tokenId} of the API token used
 * @param changedAt when the API accepted the change
 */
public record AlertHistoryEntry(AlertStatus status, String comment, String changedBy, Instant changedAt) {}
