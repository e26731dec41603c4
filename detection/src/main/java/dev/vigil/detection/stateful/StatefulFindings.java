package dev.vigil.detection.stateful;

import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the findings of stateful detectors: the same {@link Finding} as single-event ones. */
final class StatefulFindings {

  /** Audit ids carried by one finding; the alert keeps the first 20 of all its findings. */
  static final int MAX_AUDIT_IDS = 20;

  private StatefulFindings() {}

  /** The finding of one aggregate: several events, one entity. Evidence keys are sorted. */
  static Finding aggregate(
      DetectorInfo info,
      Severity severity,
      String workspace,
      String cluster,
      String entity,
      List<Entity> entities,
      String description,
      Instant start,
      Instant end,
      int count,
      List<String> auditIds,
      long receivedMs,
      Map<String, String> evidence) {
    List<String> ids = auditIds.size() > MAX_AUDIT_IDS ? auditIds.subList(0, MAX_AUDIT_IDS) : auditIds;
    return new Finding(
        Fingerprints.alertFingerprint(workspace, cluster, info.alertType(), entity),
        info.alertType(),
        info.displayName(),
        description,
        severity,
        info.tactics(),
        info.techniques(),
        info.remediationSteps(),
        workspace,
        cluster,
        entity,
        List.copyOf(entities),
        start,
        end,
        count,
        List.copyOf(ids),
        receivedMs,
        new TreeMap<>(evidence));
  }

  /** The finding of one event, with the request's fields added to the evidence. */
  static Finding single(
      DetectorInfo info,
      Severity severity,
      AuditRecord record,
      String entity,
      List<Entity> entities,
      String description,
      Map<String, String> evidence) {
    AuditEvent event = record.event();
    Map<String, String> properties = new TreeMap<>(evidence);
    put(properties, "verb", event.verb());
    put(properties, "resource", event.resource());
    put(properties, "subresource", event.subresource());
    put(properties, "namespace", Requests.namespace(event));
    put(properties, "userAgent", event.userAgent());
    if (event.sourceIPs() != null && !event.sourceIPs().isEmpty()) {
      properties.putIfAbsent("sourceIPs", String.join(",", event.sourceIPs()));
    }
    Instant time = event.stageTimestamp();
    return aggregate(info, severity, record.workspace(), record.cluster(), entity, entities,
        description, time, time, 1, List.of(event.auditID()), record.receivedMs(), properties);
  }

  private static void put(Map<String, String> properties, String key, String value) {
    if (value != null && !value.isEmpty()) {
      properties.putIfAbsent(key, value);
    }
  }
}
