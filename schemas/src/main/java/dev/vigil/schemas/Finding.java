package dev.vigil.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One detector match: the value of {@code vigil.findings.v1}. It carries everything the alerts
 * application needs to build or update an alert, so that application never needs the detector
 * catalogue.
 *
 * @param fingerprint stable key of the alert this finding belongs to, from (workspace, cluster,
 *     alertType, compromisedEntity); see {@link Fingerprints}
 * @param workspace the workspace of the cluster; cluster names are unique only within it
 * @param count how many events this finding stands for (1 for single-event detectors)
 * @param startTime event time of the first matching event
 * @param endTime event time of the last matching event
 * @param auditIds audit ids of matching events, bounded
 * @param receivedMs when the gateway received the (last) matching event, epoch millis; the start of
 *     alert latency
 */
public record Finding(
    String fingerprint,
    String alertType,
    String displayName,
    String description,
    Severity severity,
    List<String> tactics,
    List<String> techniques,
    List<String> remediationSteps,
    String workspace,
    String cluster,
    String compromisedEntity,
    List<Entity> entities,
    Instant startTime,
    Instant endTime,
    int count,
    List<String> auditIds,
    long receivedMs,
    Map<String, String> extendedProperties) {}
