package dev.vigil.alerts.incidents;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Alerts as the alerts application publishes them for the steps of an attack on one cluster. */
final class AttackStory {
  static final String WORKSPACE = "ws-a";
  static final String CLUSTER = "prod-eu-1";
  static final String ATTACKER = "jane@example.com";
  static final Instant T0 = Instant.parse("2024-05-01T11:00:00Z");

  private AttackStory() {}

  static Alert alert(String workspace, String cluster, String type, Severity severity, List<String> tactics,
      List<String> techniques, Instant at, Entity... entities) {
    String entity = entities.length > 1 ? entities[1].name() : entities[0].name();
    String id = Fingerprints.sha256Hex(32, "alert", workspace, cluster, type, entity, at.toString());
    return new Alert(id, type, type + " detected", type + " on " + cluster, severity, tactics, techniques,
        AlertStatus.Active, workspace, cluster, entity, List.of(entities), List.of("investigate"), at, at,
        at.plusSeconds(1), 1, List.of("audit-" + id.substring(0, 8)), Map.of("verb", "create"));
  }

  static Alert listSecrets(String user, Instant at) {
    return alert(WORKSPACE, CLUSTER, "VIGIL_SecretAccessBySuspiciousClient", Severity.Medium,
        List.of("CredentialAccess"), List.of("T1552.007"), at,
        Entity.of("user", user), Entity.of("namespace", "default"));
  }

  static Alert bindClusterAdmin(String user, Instant at) {
    return alert(WORKSPACE, CLUSTER, "K8S_ClusterAdminBinding", Severity.Low,
        List.of("Persistence", "PrivilegeEscalation"), List.of("T1098"), at,
        Entity.of("user", user), Entity.of("binding", "pwn-binding"));
  }

  static Alert privilegedPod(String user, Instant at) {
    return alert(WORKSPACE, CLUSTER, "K8S_PrivilegedContainer", Severity.Medium,
        List.of("PrivilegeEscalation"), List.of("T1611"), at,
        Entity.of("user", user), Entity.of("pod", "default/pwn-pod"));
  }

  static Alert execIntoPod(String user, Instant at) {
    return alert(WORKSPACE, CLUSTER, "VIGIL_ExecIntoPod", Severity.Medium,
        List.of("Execution"), List.of("T1609"), at,
        Entity.of("user", user), Entity.of("pod", "default/pwn-pod"));
  }

  /** The alert with its status set, as the alerts application re-publishes it after triage. */
  static Alert withStatus(Alert a, AlertStatus status) {
    return new Alert(a.id(), a.alertType(), a.displayName(), a.description(), a.severity(), a.tactics(),
        a.techniques(), status, a.workspace(), a.cluster(), a.compromisedEntity(), a.entities(),
        a.remediationSteps(), a.startTimeUtc(), a.endTimeUtc(), a.detectedTimeUtc(), a.count(),
        a.auditIds(), a.extendedProperties());
  }
}
