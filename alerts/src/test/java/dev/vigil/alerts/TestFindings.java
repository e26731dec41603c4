package dev.vigil.alerts;

import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.testing.Corpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Findings as detection would write them, built from a real audit event of the Falco test data. */
final class TestFindings {
  static final String WORKSPACE = "ws-a";
  static final String CLUSTER = "prod-eu-1";
  static final String TYPE = "K8S_PrivilegedContainer";

  /** The privileged nginx pod creation of the Falco trace files. */
  static final AuditEvent PRIVILEGED_POD = load("create_nginx_pod_privileged.json");

  private TestFindings() {}

  static AuditEvent load(String traceFile) {
    try {
      String line = Corpus.lines(Corpus.falcoTraces().resolve(traceFile)).get(0);
      return Json.mapper().readValue(line, AuditEvent.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String entity() {
    return PRIVILEGED_POD.namespace() + "/pods/" + PRIVILEGED_POD.username();
  }

  static String fingerprint(String workspace, String cluster, String entity) {
    return Fingerprints.alertFingerprint(workspace, cluster, TYPE, entity);
  }

  /** A privileged-container finding for {@code entity} at {@code time}, received 250 ms later. */
  static Finding finding(String workspace, String cluster, String entity, Instant time, String auditId) {
    return new Finding(
        fingerprint(workspace, cluster, entity),
        TYPE,
        "Privileged container detected",
        "User " + PRIVILEGED_POD.username() + " created a privileged container in namespace "
            + PRIVILEGED_POD.namespace() + " of cluster " + cluster,
        Severity.Medium,
        List.of("PrivilegeEscalation"),
        List.of("T1611"),
        List.of("Remove privileged: true from the pod spec"),
        workspace,
        cluster,
        entity,
        List.of(
            Entity.of("user", PRIVILEGED_POD.username()),
            Entity.of("namespace", PRIVILEGED_POD.namespace())),
        time,
        time,
        1,
        List.of(auditId),
        time.toEpochMilli() + 250,
        Map.of(
            "verb", PRIVILEGED_POD.verb(),
            "resource", PRIVILEGED_POD.resource(),
            "sourceIPs", String.join(",", PRIVILEGED_POD.sourceIPs())));
  }

  /** The corpus event's finding in {@link #WORKSPACE} / {@link #CLUSTER} at {@code time}. */
  static Finding finding(Instant time, String auditId) {
    return finding(WORKSPACE, CLUSTER, entity(), time, auditId);
  }

  static Finding withReceivedMs(Finding f, long receivedMs) {
    return new Finding(
        f.fingerprint(), f.alertType(), f.displayName(), f.description(), f.severity(), f.tactics(),
        f.techniques(), f.remediationSteps(), f.workspace(), f.cluster(), f.compromisedEntity(),
        f.entities(), f.startTime(), f.endTime(), f.count(), f.auditIds(), receivedMs,
        f.extendedProperties());
  }

  static Finding withWorkspace(Finding f, String workspace) {
    return new Finding(
        f.fingerprint(), f.alertType(), f.displayName(), f.description(), f.severity(), f.tactics(),
        f.techniques(), f.remediationSteps(), workspace, f.cluster(), f.compromisedEntity(),
        f.entities(), f.startTime(), f.endTime(), f.count(), f.auditIds(), f.receivedMs(),
        f.extendedProperties());
  }
}
