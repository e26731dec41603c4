package dev.vigil.alerts;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Severity;
import java.time.Instant;

/** Alerts as the topology builds them, with the fields the filters look at set explicitly. */
final class TestAlerts {
  private TestAlerts() {}

  static Alert alert(
      String workspace, String cluster, Severity severity, AlertStatus status, Instant detected) {
    String entity = "default/pods/" + workspace + "-" + cluster + "-" + severity + "-" + status + "-" + detected;
    Finding f = TestFindings.finding(workspace, cluster, entity, detected.minusSeconds(5), "audit-" + entity);
    Alert a = AlertDedupProcessor.newAlert(f.fingerprint(), f, detected);
    return new Alert(
        a.id(), a.alertType(), a.displayName(), a.description(), severity, a.tactics(),
        a.techniques(), status, a.workspace(), a.cluster(), a.compromisedEntity(), a.entities(),
        a.remediationSteps(), a.startTimeUtc(), a.endTimeUtc(), a.detectedTimeUtc(), a.count(),
        a.auditIds(), a.extendedProperties());
  }

  static Alert withType(Alert a, String type) {
    return new Alert(
        a.id(), type, a.displayName(), a.description(), a.severity(), a.tactics(), a.techniques(),
        a.status(), a.workspace(), a.cluster(), a.compromisedEntity(), a.entities(),
        a.remediationSteps(), a.startTimeUtc(), a.endTimeUtc(), a.detectedTimeUtc(), a.count(),
        a.auditIds(), a.extendedProperties());
  }
}
