package dev.vigil.detection.parsing;

import dev.vigil.schemas.AuditEvent;

/**
 * A validated audit event with the gateway's headers: the value of the detection stream after the
 * stage rule, which the stateful detectors ({@code dev.vigil.detection.stateful}) consume too.
 *
 * @param cluster the sending cluster ({@code vigil-cluster} header)
 * @param workspace the cluster's workspace ({@code vigil-workspace} header)
 * @param receivedMs when the gateway received the event, epoch millis ({@code vigil-received-ms})
 */
public record AuditRecord(AuditEvent event, String cluster, String workspace, long receivedMs) {}
