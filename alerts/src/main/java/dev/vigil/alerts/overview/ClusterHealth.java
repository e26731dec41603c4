package dev.vigil.alerts.overview;

import java.time.Instant;

/**
 * Ingest health of one cluster as the overview shows it.
 *
 * @param installState {@code Pending}, {@code Healthy} or {@code Unhealthy}
 * @param eventsPerMinute accepted events in the last minute
 * @param lastEventTime when an accepted event last arrived, or null
 */
public record ClusterHealth(String cluster, String installState, long eventsPerMinute, Instant lastEventTime) {}
