package dev.vigil.detection;

import dev.vigil.schemas.AuditEvent;

/** A validated audit event with the gateway's headers. */
record AuditRecord(AuditEvent event, String cluster, String workspace, long receivedMs) {}
