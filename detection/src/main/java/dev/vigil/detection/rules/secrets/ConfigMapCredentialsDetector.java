package dev.vigil.detection.rules.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_ConfigMapCredentials}: a ConfigMap written with a {@code data} key or value that
 * contains a credential-like word (list {@code credentialPatterns}, case-insensitive: {@code
 * aws_access_key_id}, {@code password}, {@code passphrase}, a PEM private key, ...). Falco
 * "Create/Modify Configmap With Private Credentials". The alert names the keys, never the values.
 *
 * <p>Triage: config maps are readable by far more principals than secrets. Move the value to a
 * Secret and rotate it, since it has been exposed.
 */
public final class ConfigMapCredentialsDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_ConfigMapCredentials";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Credentials stored in a ConfigMap",
          Severity.Medium,
          List.of("CredentialAccess"),
          List.of("T1552.007"),
          List.of(
              "Move the credential to a Secret (or an external secret store) and rotate it.",
              "Review who can read config maps in the namespace."));

  private static final Interest INTEREST =
      Interest.of(PodSpecs.WRITE_VERBS, Set.of("configmaps"));

  private final List<String> patterns;

  public ConfigMapCredentialsDetector(List<String> patterns) {
    super(INFO, INTEREST);
    List<String> lower = new ArrayList<>();
    for (String pattern : patterns) {
      lower.add(pattern.toLowerCase(Locale.ROOT));
    }
    this.patterns = List.copyOf(lower);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!Matches.noSubresource(event)) {
      return List.of();
    }
    JsonNode configMap = Requests.writtenObject(event);
    if (configMap == null || !configMap.path("data").isObject()) {
      return List.of();
    }
    Set<String> keys = new LinkedHashSet<>();
    Set<String> found = new LinkedHashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = configMap.path("data").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey().toLowerCase(Locale.ROOT);
      String value = entry.getValue().asText("").toLowerCase(Locale.ROOT);
      for (String pattern : patterns) {
        if (key.contains(pattern) || value.contains(pattern)) {
          keys.add(entry.getKey());
          found.add(pattern);
        }
      }
    }
    if (keys.isEmpty()) {
      return List.of();
    }
    return List.of(
        Matches.aboutWritten(
            event,
            configMap,
            "ConfigMap",
            "configmap",
            " whose keys "
                + String.join(", ", keys)
                + " hold what looks like credentials ("
                + String.join(", ", found)
                + "). Config maps are not secret.",
            Map.of("keys", String.join(",", keys), "patterns", String.join(",", found))));
  }
}
