package dev.vigil.detection.sigma;

import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Sigma rule as a {@link Detector}. The compromised entity is the request's object ({@code
 * namespace/resource/name}) when it has a name, else the user, so that for example every secret
 * listing by one user aggregates into one alert.
 */
final class SigmaDetector implements Detector {

  /** Keys of the finding's {@code extendedProperties} that name the rule. */
  static final String RULE_ID = "sigmaRuleId";

  static final String RULE_FILE = "sigmaRuleFile";
  static final String RULE_AUTHOR = "sigmaRuleAuthor";
  static final String RESPONSE_CODE = "responseCode";

  private final SigmaRule rule;

  SigmaDetector(SigmaRule rule) {
    this.rule = rule;
  }

  SigmaRule rule() {
    return rule;
  }

  @Override
  public DetectorInfo info() {
    return rule.info();
  }

  @Override
  public Interest interest() {
    return rule.interest();
  }

  @Override
  public boolean shadow() {
    return rule.shadow();
  }

  @Override
  public List<Match> inspect(AuditEvent event) {
    if (!rule.matcher().matches(event)) {
      return List.of();
    }
    String user = event.username() == null ? "(unknown user)" : event.username();
    String namespace = event.namespace();
    String name = event.objectName();
    String resource = event.resource();
    boolean hasObject = name != null && !name.isEmpty() && resource != null;
    String object =
        hasObject
            ? (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + resource + "/" + name
            : null;

    List<Entity> entities = new ArrayList<>();
    entities.add(Entity.of("user", user));
    if (namespace != null && !namespace.isEmpty()) {
      entities.add(Entity.of("namespace", namespace));
    }
    if (hasObject) {
      String objectName = namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
      entities.add(Entity.of("pods".equals(resource) ? "pod" : "workload", objectName));
    }
    if (event.sourceIPs() != null) {
      for (String ip : event.sourceIPs()) {
        entities.add(Entity.of("ip", ip));
      }
    }

    StringBuilder description =
        new StringBuilder("Sigma rule \"")
            .append(rule.title())
            .append('"');
    if (rule.author() != null) {
      description.append(" (by ").append(rule.author()).append(')');
    }
    description.append(" matched: user ").append(user).append(' ').append(event.verb());
    if (event.resourcePath() != null) {
      description.append(' ').append(event.resourcePath());
    } else if (event.requestURI() != null) {
      description.append(' ').append(event.requestURI());
    }
    if (object != null) {
      description.append(' ').append(namespace == null || namespace.isEmpty() ? name : namespace + "/" + name);
    } else if (namespace != null && !namespace.isEmpty()) {
      description.append(" in namespace ").append(namespace);
    }
    if (event.responseCode() >= 0) {
      description.append(", response ").append(event.responseCode());
    }
    description.append('.');

    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(RULE_ID, rule.id());
    properties.put(RULE_FILE, rule.file());
    if (rule.author() != null) {
      properties.put(RULE_AUTHOR, rule.author());
    }
    if (event.responseCode() >= 0) {
      properties.put(RESPONSE_CODE, Integer.toString(event.responseCode()));
    }
    return List.of(
        new Match(object != null ? object : user, entities, description.toString(), properties));
  }

  @Override
  public String toString() {
    return rule.info().alertType() + " (" + rule.file() + ")";
  }
}
