package dev.vigil.schemas.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Severity;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@link Finding} as JSON, field by field; see {@link JsonCodec}. */
public final class FindingCodec extends JsonCodec<Finding> {

  public static final FindingCodec INSTANCE = new FindingCodec();

  private FindingCodec() {
    super(Finding.class);
  }

  @Override
  protected void writeFields(Finding f, JsonGenerator out) throws IOException {
    string(out, "fingerprint", f.fingerprint());
    string(out, "alertType", f.alertType());
    string(out, "displayName", f.displayName());
    string(out, "description", f.description());
    enumName(out, "severity", f.severity());
    strings(out, "tactics", f.tactics());
    strings(out, "techniques", f.techniques());
    strings(out, "remediationSteps", f.remediationSteps());
    string(out, "workspace", f.workspace());
    string(out, "cluster", f.cluster());
    string(out, "compromisedEntity", f.compromisedEntity());
    objects(out, "entities", f.entities(), EntityFields::write);
    instant(out, "startTime", f.startTime());
    instant(out, "endTime", f.endTime());
    out.writeNumberField("count", f.count());
    strings(out, "auditIds", f.auditIds());
    out.writeNumberField("receivedMs", f.receivedMs());
    stringMap(out, "extendedProperties", f.extendedProperties());
  }

  @Override
  protected Finding readObject(JsonParser in) throws IOException {
    String fingerprint = null;
    String alertType = null;
    String displayName = null;
    String description = null;
    Severity severity = null;
    List<String> tactics = null;
    List<String> techniques = null;
    List<String> remediationSteps = null;
    String workspace = null;
    String cluster = null;
    String compromisedEntity = null;
    List<Entity> entities = null;
    Instant startTime = null;
    Instant endTime = null;
    int count = 0;
    List<String> auditIds = null;
    long receivedMs = 0;
    Map<String, String> extendedProperties = null;
    String field;
    while ((field = in.nextFieldName()) != null) {
      in.nextToken();
      switch (field) {
        case "fingerprint" -> fingerprint = string(in);
        case "alertType" -> alertType = string(in);
        case "displayName" -> displayName = string(in);
        case "description" -> description = string(in);
        case "severity" -> severity = enumValue(in, Severity.class);
        case "tactics" -> tactics = strings(in);
        case "techniques" -> techniques = strings(in);
        case "remediationSteps" -> remediationSteps = strings(in);
        case "workspace" -> workspace = string(in);
        case "cluster" -> cluster = string(in);
        case "compromisedEntity" -> compromisedEntity = string(in);
        case "entities" -> entities = objects(in, EntityFields::read);
        case "startTime" -> startTime = instant(in);
        case "endTime" -> endTime = instant(in);
        case "count" -> count = intValue(in);
        case "auditIds" -> auditIds = strings(in);
        case "receivedMs" -> receivedMs = longValue(in);
        case "extendedProperties" -> extendedProperties = stringMap(in);
        default -> skip(in);
      }
    }
    return new Finding(fingerprint, alertType, displayName, description, severity, tactics,
        techniques, remediationSteps, workspace, cluster, compromisedEntity, entities, startTime,
        endTime, count, auditIds, receivedMs, extendedProperties);
  }
}
