package dev.vigil.detection.spi;

import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Metadata of the alerts a detector raises; copied into every finding so that the alerts application
 * never needs the catalogue.
 *
 * @param alertType stable id, {@code K8S_*} when a Defender for Kubernetes alert of that name exists,
 *     {@code VIGIL_*} or {@code SIGMA_*} otherwise
 * @param displayName short human title
 * @param severity severity of every alert of this type
 * @param tactics MITRE ATT&amp;CK tactic names without spaces, for example {@code PrivilegeEscalation}
 * @param techniques MITRE ATT&amp;CK technique ids, for example {@code T1611}
 * @param remediationSteps what an analyst should do, one step per entry
 */
public record DetectorInfo(
    String alertType,
    String displayName,
    Severity severity,
    List<String> tactics,
    List<String> techniques,
    List<String> remediationSteps) {

  private static final Pattern ALERT_TYPE = Pattern.compile("(K8S_|VIGIL_|SIGMA_)[A-Za-z0-9_-]+");
  private static final Pattern TECHNIQUE = Pattern.compile("T[0-9]{4}(\\.[0-9]{3})?");

  public DetectorInfo {
    Objects.requireNonNull(alertType, "alertType");
    if (!ALERT_TYPE.matcher(alertType).matches()) {
      throw new IllegalArgumentException(
          "alert type \"" + alertType + "\" must match " + ALERT_TYPE.pattern());
    }
    if (displayName == null || displayName.isBlank()) {
      throw new IllegalArgumentException(alertType + ": displayName must not be blank");
    }
    Objects.requireNonNull(severity, "severity");
    tactics = List.copyOf(tactics);
    techniques = List.copyOf(techniques);
    remediationSteps = List.copyOf(remediationSteps);
    for (String technique : techniques) {
      if (!TECHNIQUE.matcher(technique).matches()) {
        throw new IllegalArgumentException(
            alertType + ": technique \"" + technique + "\" is not a MITRE technique id");
      }
    }
  }
}
