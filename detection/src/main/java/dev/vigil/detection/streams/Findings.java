package dev.vigil.detection.streams;

import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the finding of one detector match. */
final class Findings {

  private Findings() {}

  static Finding of(AuditRecord record, DetectorInfo info, Match match) {
    AuditEvent event = record.event();
    Map<String, String> properties = new LinkedHashMap<>();
    putIfPresent(properties, "verb", event.verb());
    putIfPresent(properties, "resource", event.resource());
    putIfPresent(properties, "subresource", event.subresource());
    putIfPresent(properties, "namespace", Requests.namespace(event));
    putIfPresent(properties, "userAgent", event.userAgent());
    if (event.sourceIPs() != null && !event.sourceIPs().isEmpty()) {
      properties.put("sourceIPs", String.join(",", event.sourceIPs()));
    }
    // Sorted so that the same match always serialises to the same bytes.
    properties.putAll(new TreeMap<>(match.extendedProperties()));
    Instant time = event.stageTimestamp();
    return new Finding(
        Fingerprints.alertFingerprint(
            record.workspace(), record.cluster(), info.alertType(), match.compromisedEntity()),
        info.alertType(),
        info.displayName(),
        match.description(),
        info.severity(),
        info.tactics(),
        info.techniques(),
        info.remediationSteps(),
        record.workspace(),
        record.cluster(),
        match.compromisedEntity(),
        match.entities(),
        time,
        time,
        1,
        List.of(event.auditID()),
        record.receivedMs(),
        properties);
  }

  private static void putIfPresent(Map<String, String> properties, String key, String value) {
    if (value != null && !value.isEmpty()) {
      properties.put(key, value);
    }
  }
}
