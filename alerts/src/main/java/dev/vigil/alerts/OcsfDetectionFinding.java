package dev.vigil.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertHistoryEntry;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Severity;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Headers;

/**
 * Maps an alert to an OCSF 1.3 Detection Finding (class_uid 2004), the value of {@code
 * vigil.alerts.ocsf.v1}. The mapping, field by field, is documented in the module README; the output
 * is validated against {@code ocsf-detection-finding.schema.json} in {@code schemas}.
 */
public final class OcsfDetectionFinding {
  /** The OCSF schema version the output follows. */
  static final String OCSF_VERSION = "1.3.0";

  static final int CLASS_UID = 2004;
  static final int CATEGORY_UID = 2;
  /** The MITRE ATT&amp;CK matrix version the tactic ids below come from. */
  static final String ATTACK_VERSION = "v15";

  /** MITRE ATT&amp;CK enterprise tactics: detector tactic names (no spaces) to display name and id. */
  private static final Map<String, String[]> TACTICS =
      Map.ofEntries(
          Map.entry("Reconnaissance", new String[] {"Reconnaissance", "TA0043"}),
          Map.entry("ResourceDevelopment", new String[] {"Resource Development", "TA0042"}),
          Map.entry("InitialAccess", new String[] {"Initial Access", "TA0001"}),
          Map.entry("Execution", new String[] {"Execution", "TA0002"}),
          Map.entry("Persistence", new String[] {"Persistence", "TA0003"}),
          Map.entry("PrivilegeEscalation", new String[] {"Privilege Escalation", "TA0004"}),
          Map.entry("DefenseEvasion", new String[] {"Defense Evasion", "TA0005"}),
          Map.entry("CredentialAccess", new String[] {"Credential Access", "TA0006"}),
          Map.entry("Discovery", new String[] {"Discovery", "TA0007"}),
          Map.entry("LateralMovement", new String[] {"Lateral Movement", "TA0008"}),
          Map.entry("Collection", new String[] {"Collection", "TA0009"}),
          Map.entry("Exfiltration", new String[] {"Exfiltration", "TA0010"}),
          Map.entry("CommandAndControl", new String[] {"Command and Control", "TA0011"}),
          Map.entry("Impact", new String[] {"Impact", "TA0040"}));

  private static final Pattern TECHNIQUE = Pattern.compile("^T[0-9]{4}$");
  private static final Pattern SUB_TECHNIQUE = Pattern.compile("^(T[0-9]{4})\\.[0-9]{3}$");
  private static final Pattern IPV4 = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$");
  private static final Set<String> ACTOR_ENTITY_TYPES = Set.of("user", "ip");

  private OcsfDetectionFinding() {}

  /**
   * The Detection Finding for {@code alert}.
   *
   * @param activity what happened to the alert (OCSF activity_id 1 create, 2 update, 3 close)
   * @param timeMs when the alert record was published, the event's {@code time}
   */
  static ObjectNode of(Alert alert, AlertActivity activity, long timeMs) {
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("activity_id", activity.ocsfId);
    out.put("activity_name", activity.ocsfName);
    out.put("category_uid", CATEGORY_UID);
    out.put("category_name", "Findings");
    out.put("class_uid", CLASS_UID);
    out.put("class_name", "Detection Finding");
    out.put("type_uid", CLASS_UID * 100 + activity.ocsfId);
    out.put("type_name", "Detection Finding: " + activity.ocsfName);
    out.put("time", timeMs);
    out.put("severity_id", severityId(alert.severity()));
    out.put("severity", alert.severity().name());
    out.put("status_id", statusId(alert.status()));
    out.put("status", statusName(alert.status()));
    out.put("message", alert.description());
    String comment = lastComment(alert.history());
    if (comment != null) {
      out.put("comment", comment);
    }
    out.put("count", alert.count());
    out.put("start_time", millis(alert.startTimeUtc()));
    out.put("end_time", millis(alert.endTimeUtc()));

    ObjectNode metadata = out.putObject("metadata");
    metadata.put("version", OCSF_VERSION);
    ObjectNode product = metadata.putObject("product");
    product.put("name", "Vigil");
    product.put("vendor_name", "Vigil");
    String version = OcsfDetectionFinding.class.getPackage().getImplementationVersion();
    if (version != null) {
      product.put("version", version);
    }
    product.putObject("feature").put("name", AlertsApp.APPLICATION_ID);
    metadata.put(
        "uid",
        Fingerprints.sha256Hex(
            32,
            "ocsf",
            alert.id(),
            activity.header,
            Long.toString(timeMs),
            Long.toString(alert.count()),
            alert.status().name(),
            Integer.toString(alert.history().size())));
    metadata.put("correlation_uid", alert.id());
    metadata.put("tenant_uid", alert.workspace());
    metadata.put("logged_time", timeMs);

    ObjectNode info = out.putObject("finding_info");
    info.put("uid", alert.id());
    info.put("title", alert.displayName());
    info.put("desc", alert.description());
    info.putArray("types").add(alert.alertType());
    info.put("created_time", millis(alert.detectedTimeUtc()));
    info.put("first_seen_time", millis(alert.startTimeUtc()));
    info.put("last_seen_time", millis(alert.endTimeUtc()));
    info.put("modified_time", timeMs);
    ObjectNode analytic = info.putObject("analytic");
    analytic.put("type_id", 1);
    analytic.put("type", "Rule");
    analytic.put("name", alert.alertType());
    analytic.put("uid", alert.alertType());
    attacks(info.putArray("attacks"), alert.tactics(), alert.techniques());

    ArrayNode resources = out.putArray("resources");
    resources.addObject().put("type", "cluster").put("name", alert.cluster());
    for (Entity entity : alert.entities()) {
      if (entity.name() == null || entity.name().isBlank() || ACTOR_ENTITY_TYPES.contains(entity.type())) {
        continue;
      }
      ObjectNode resource = resources.addObject().put("type", entity.type());
      int slash = entity.name().indexOf('/');
      if (slash > 0 && slash < entity.name().length() - 1 && !"namespace".equals(entity.type())) {
        resource.put("namespace", entity.name().substring(0, slash));
      }
      resource.put("name", entity.name());
    }

    out.putArray("evidences").add(evidence(alert));

    if (!alert.remediationSteps().isEmpty()) {
      out.putObject("remediation").put("desc", String.join("\n", alert.remediationSteps()));
    }

    ObjectNode unmapped = out.putObject("unmapped");
    unmapped.put("workspace", alert.workspace());
    unmapped.put("cluster", alert.cluster());
    unmapped.put("compromisedEntity", alert.compromisedEntity());
    unmapped.put("vigilStatus", alert.status().name());
    unmapped.set("extendedProperties", Json.mapper().valueToTree(alert.extendedProperties()));
    return out;
  }

  private static ObjectNode evidence(Alert alert) {
    ObjectNode evidence = Json.mapper().createObjectNode();
    String user = null;
    String ip = null;
    for (Entity entity : alert.entities()) {
      if (user == null && "user".equals(entity.type()) && notBlank(entity.name())) {
        user = entity.name();
      }
      if (ip == null && "ip".equals(entity.type()) && isIp(entity.name())) {
        ip = entity.name();
      }
    }
    Map<String, String> props = alert.extendedProperties();
    if (ip == null && props.get("sourceIPs") != null) {
      for (String candidate : props.get("sourceIPs").split(",")) {
        if (isIp(candidate.trim())) {
          ip = candidate.trim();
          break;
        }
      }
    }
    if (user != null) {
      evidence.putObject("actor").putObject("user").put("name", user);
    }
    if (ip != null) {
      evidence.putObject("src_endpoint").put("ip", ip);
    }
    String verb = props.get("verb");
    if (notBlank(verb)) {
      ObjectNode api = evidence.putObject("api");
      api.put("operation", verb);
      api.putObject("service").put("name", "kube-apiserver");
      if (!alert.auditIds().isEmpty()) {
        api.putObject("request").put("uid", alert.auditIds().get(0));
      }
    }
    ObjectNode data = evidence.putObject("data");
    ArrayNode ids = data.putArray("audit_ids");
    alert.auditIds().forEach(ids::add);
    for (String key : List.of("resource", "subresource", "namespace", "userAgent", "sourceIPs")) {
      if (notBlank(props.get(key))) {
        data.put(key, props.get(key));
      }
    }
    return evidence;
  }

  /** Adds one OCSF attack per (tactic, technique) pair of MITRE names and ids to {@code attacks}. */
  public static void attacks(ArrayNode attacks, List<String> tactics, List<String> techniques) {
    Set<String> knownTactics = new LinkedHashSet<>();
    for (String tactic : tactics) {
      if (TACTICS.containsKey(tactic)) {
        knownTactics.add(tactic);
      }
    }
    Set<String> validTechniques = new LinkedHashSet<>();
    for (String technique : techniques) {
      if (TECHNIQUE.matcher(technique).matches() || SUB_TECHNIQUE.matcher(technique).matches()) {
        validTechniques.add(technique);
      }
    }
    // One attack per (tactic, technique) pair: the alert does not say which technique serves which
    // tactic, and detectors name one or two of each.
    if (validTechniques.isEmpty()) {
      for (String tactic : knownTactics) {
        attack(attacks, tactic, null);
      }
      return;
    }
    for (String technique : validTechniques) {
      if (knownTactics.isEmpty()) {
        attack(attacks, null, technique);
      }
      for (String tactic : knownTactics) {
        attack(attacks, tactic, technique);
      }
    }
  }

  private static void attack(ArrayNode attacks, String tactic, String technique) {
    ObjectNode attack = attacks.addObject();
    attack.put("version", ATTACK_VERSION);
    if (tactic != null) {
      String[] t = TACTICS.get(tactic);
      attack.putObject("tactic").put("name", t[0]).put("uid", t[1]);
    }
    if (technique != null) {
      var sub = SUB_TECHNIQUE.matcher(technique);
      if (sub.matches()) {
        attack.putObject("technique").put("uid", sub.group(1));
        attack.putObject("sub_technique").put("uid", technique);
      } else {
        attack.putObject("technique").put("uid", technique);
      }
    }
  }

  static int severityId(Severity severity) {
    return switch (severity) {
      case Informational -> 1;
      case Low -> 2;
      case Medium -> 3;
      case High -> 4;
    };
  }

  static int statusId(AlertStatus status) {
    return switch (status) {
      case Active -> 1;
      case InProgress -> 2;
      case Dismissed -> 3;
      case Resolved -> 4;
    };
  }

  static String statusName(AlertStatus status) {
    return switch (status) {
      case Active -> "New";
      case InProgress -> "In Progress";
      case Dismissed -> "Suppressed";
      case Resolved -> "Resolved";
    };
  }

  private static String lastComment(List<AlertHistoryEntry> history) {
    for (int i = history.size() - 1; i >= 0; i--) {
      String comment = history.get(i).comment();
      if (notBlank(comment)) {
        return comment;
      }
    }
    return null;
  }

  private static boolean isIp(String s) {
    return s != null && (IPV4.matcher(s).matches() || IPV6.matcher(s).matches());
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static long millis(Instant t) {
    return t == null ? 0 : t.toEpochMilli();
  }

  /** The OCSF record of a published alert record, for the topology's OCSF branch. */
  static JsonNode ofRecord(Alert alert, Headers headers, long timeMs) {
    return of(alert, AlertActivity.of(headers), timeMs);
  }
}
