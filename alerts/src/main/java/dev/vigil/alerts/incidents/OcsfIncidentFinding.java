package dev.vigil.alerts.incidents;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alerts.OcsfDetectionFinding;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Incident;
import dev.vigil.schemas.Json;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * An incident as an <a href="https://schema.ocsf.io/1.3.0/classes/incident_finding">OCSF 1.3 Incident
 * Finding</a> (class_uid 2005) for {@code vigil.incidents.ocsf.v1}; the mapping is in {@code
 * alerts/README.md}.
 */
final class OcsfIncidentFinding {
  static final int CLASS_UID = 2005;
  static final String OCSF_VERSION = "1.3.0";

  /** Header naming what happened to the incident record it is on: {@code 1} create, {@code 2} update, {@code 3} close. */
  static final String ACTIVITY_HEADER = "vigil-incident-activity";
  static final int CREATE = 1;
  static final int UPDATE = 2;
  static final int CLOSE = 3;
  private static final String[] ACTIVITY_NAMES = {"Unknown", "Create", "Update", "Close"};

  private OcsfIncidentFinding() {}

  /** The activity of a record from its header; an update when there is none. */
  static int activity(Headers headers) {
    Header header = headers.lastHeader(ACTIVITY_HEADER);
    if (header == null || header.value() == null || header.value().length != 1) {
      return UPDATE;
    }
    int id = header.value()[0] - '0';
    return id >= CREATE && id <= CLOSE ? id : UPDATE;
  }

  static byte[] header(int activity) {
    return new byte[] {(byte) ('0' + activity)};
  }

  static ObjectNode of(Incident incident, int activity, long timeMs) {
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("activity_id", activity);
    out.put("activity_name", ACTIVITY_NAMES[activity]);
    out.put("category_uid", 2);
    out.put("category_name", "Findings");
    out.put("class_uid", CLASS_UID);
    out.put("class_name", "Incident Finding");
    out.put("type_uid", CLASS_UID * 100 + activity);
    out.put("type_name", "Incident Finding: " + ACTIVITY_NAMES[activity]);
    out.put("time", timeMs);
    out.put("severity_id", incident.severity().ordinal() + 1);
    out.put("severity", incident.severity().name());
    out.put("status_id", statusId(incident.status()));
    out.put("status", statusName(incident.status()));
    out.put("desc", incident.title());
    out.put("start_time", millis(incident.startTimeUtc()));
    out.put("end_time", millis(incident.endTimeUtc()));

    ObjectNode metadata = out.putObject("metadata");
    metadata.put("version", OCSF_VERSION);
    metadata.putArray("profiles").add("incident");
    ObjectNode product = metadata.putObject("product");
    product.put("name", "Vigil");
    product.put("vendor_name", "Vigil");
    product.putObject("feature").put("name", IncidentsApp.APPLICATION_ID);
    metadata.put("uid", Fingerprints.sha256Hex(32, "ocsf-incident", incident.id(), String.valueOf(activity),
        String.valueOf(timeMs), String.valueOf(incident.alerts().size()), String.valueOf(incident.status()),
        String.valueOf(incident.history().size())));
    metadata.put("correlation_uid", incident.id());
    metadata.put("tenant_uid", incident.workspace());
    metadata.put("logged_time", timeMs);

    ArrayNode findings = out.putArray("finding_info_list");
    for (Incident.Member m : incident.alerts()) {
      ObjectNode info = findings.addObject();
      info.put("uid", m.id());
      info.put("title", m.displayName() == null ? m.alertType() : m.displayName());
      info.putArray("types").add(m.alertType());
      info.put("first_seen_time", millis(m.startTimeUtc()));
      info.put("last_seen_time", millis(m.endTimeUtc()));
      OcsfDetectionFinding.attacks(info.putArray("attacks"),
          m.tactics() == null ? java.util.List.of() : m.tactics(),
          m.techniques() == null ? java.util.List.of() : m.techniques());
    }
    ObjectNode unmapped = out.putObject("unmapped");
    unmapped.put("workspace", incident.workspace());
    unmapped.put("cluster", incident.cluster());
    unmapped.put("vigilStatus", incident.status().name());
    ArrayNode tactics = unmapped.putArray("tactics");
    incident.tactics().forEach(tactics::add);
    return out;
  }

  static int statusId(AlertStatus status) {
    return switch (status) {
      case Active -> 1;
      case InProgress -> 2;
      case Resolved -> 4;
      case Dismissed -> 5;
    };
  }

  static String statusName(AlertStatus status) {
    return switch (status) {
      case Active -> "New";
      case InProgress -> "In Progress";
      case Resolved -> "Resolved";
      case Dismissed -> "Closed";
    };
  }

  private static long millis(Instant t) {
    return t == null ? 0 : t.toEpochMilli();
  }
}
