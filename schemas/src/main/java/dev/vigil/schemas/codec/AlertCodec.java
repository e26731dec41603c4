package dev.vigil.schemas.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertHistoryEntry;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Severity;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@link Alert} as JSON, field by field; see {@link JsonCodec}. */
public final class AlertCodec extends JsonCodec<Alert> {

  public static final AlertCodec INSTANCE = new AlertCodec();

  private AlertCodec() {
    super(Alert.class);
  }

  @Override
  protected void writeFields(Alert a, JsonGenerator out) throws IOException {
    string(out, "id", a.id());
    string(out, "alertType", a.alertType());
    string(out, "displayName", a.displayName());
    string(out, "description", a.description());
    enumName(out, "severity", a.severity());
    strings(out, "tactics", a.tactics());
    strings(out, "techniques", a.techniques());
    enumName(out, "status", a.status());
    string(out, "workspace", a.workspace());
    string(out, "cluster", a.cluster());
    string(out, "compromisedEntity", a.compromisedEntity());
    objects(out, "entities", a.entities(), EntityFields::write);
    strings(out, "remediationSteps", a.remediationSteps());
    instant(out, "startTimeUtc", a.startTimeUtc());
    instant(out, "endTimeUtc", a.endTimeUtc());
    instant(out, "detectedTimeUtc", a.detectedTimeUtc());
    out.writeNumberField("count", a.count());
    strings(out, "auditIds", a.auditIds());
    stringMap(out, "extendedProperties", a.extendedProperties());
    objects(out, "history", a.history(), AlertCodec::writeHistory);
  }

  private static void writeHistory(AlertHistoryEntry h, JsonGenerator out) throws IOException {
    enumName(out, "status", h.status());
    string(out, "comment", h.comment());
    string(out, "changedBy", h.changedBy());
    instant(out, "changedAt", h.changedAt());
  }

  private static AlertHistoryEntry readHistory(JsonParser in) throws IOException {
    AlertStatus status = null;
    String comment = null;
    String changedBy = null;
    Instant changedAt = null;
    String field;
    while ((field = in.nextFieldName()) != null) {
      in.nextToken();
      switch (field) {
        case "status" -> status = enumValue(in, AlertStatus.class);
        case "comment" -> comment = string(in);
        case "changedBy" -> changedBy = string(in);
        case "changedAt" -> changedAt = instant(in);
        default -> skip(in);
      }
    }
    return new AlertHistoryEntry(status, comment, changedBy, changedAt);
  }

  @Override
  protected Alert readObject(JsonParser in) throws IOException {
    String id = null;
    String alertType = null;
    String displayName = null;
    String description = null;
    Severity severity = null;
    List<String> tactics = null;
    List<String> techniques = null;
    AlertStatus status = null;
    String workspace = null;
    String cluster = null;
    String compromisedEntity = null;
    List<Entity> entities = null;
    List<String> remediationSteps = null;
    Instant startTimeUtc = null;
    Instant endTimeUtc = null;
    Instant detectedTimeUtc = null;
    long count = 0;
    List<String> auditIds = null;
    Map<String, String> extendedProperties = null;
    List<AlertHistoryEntry> history = null;
    String field;
    while ((field = in.nextFieldName()) != null) {
      in.nextToken();
      switch (field) {
        case "id" -> id = string(in);
        case "alertType" -> alertType = string(in);
        case "displayName" -> displayName = string(in);
        case "description" -> description = string(in);
        case "severity" -> severity = enumValue(in, Severity.class);
        case "tactics" -> tactics = strings(in);
        case "techniques" -> techniques = strings(in);
        case "status" -> status = enumValue(in, AlertStatus.class);
        case "workspace" -> workspace = string(in);
        case "cluster" -> cluster = string(in);
        case "compromisedEntity" -> compromisedEntity = string(in);
        case "entities" -> entities = objects(in, EntityFields::read);
        case "remediationSteps" -> remediationSteps = strings(in);
        case "startTimeUtc" -> startTimeUtc = instant(in);
        case "endTimeUtc" -> endTimeUtc = instant(in);
        case "detectedTimeUtc" -> detectedTimeUtc = instant(in);
        case "count" -> count = longValue(in);
        case "auditIds" -> auditIds = strings(in);
        case "extendedProperties" -> extendedProperties = stringMap(in);
        case "history" -> history = objects(in, AlertCodec::readHistory);
        default -> skip(in);
      }
    }
    return new Alert(id, alertType, displayName, description, severity, tactics, techniques, status,
        workspace, cluster, compromisedEntity, entities, remediationSteps, startTimeUtc, endTimeUtc,
        detectedTimeUtc, count, auditIds, extendedProperties, history);
  }
}
