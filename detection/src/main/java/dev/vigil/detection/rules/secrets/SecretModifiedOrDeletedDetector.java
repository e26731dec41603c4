package dev.vigil.detection.rules.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_SecretModifiedOrDeleted}: a Secret updated, patched or deleted (Sigma "secrets
 * modified or deleted"), except housekeeping: secret types in {@code ignoredSecretTypes}
 * (service-account tokens, Helm releases, bootstrap tokens), names starting with one of {@code
 * ignoredSecretNamePrefixes}, and the controllers trusted for this type.
 *
 * <p>Triage: changing a secret swaps a credential an application trusts (a webhook's TLS key, a
 * registry password); deleting one can be sabotage. Confirm with the owner.
 */
public final class SecretModifiedOrDeletedDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_SecretModifiedOrDeleted";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Secret modified or deleted",
          Severity.Medium,
          List.of("Impact", "CredentialAccess"),
          List.of("T1565", "T1485"),
          List.of(
              "Confirm the change with the secret's owner.",
              "If unexpected, restore the secret from its source of truth and review the user's"
                  + " activity."));

  private static final Interest INTEREST =
      Interest.of(Set.of("update", "patch", "delete"), Set.of("secrets"));

  private final Set<String> ignoredTypes;
  private final List<String> ignoredPrefixes;

  public SecretModifiedOrDeletedDetector(List<String> ignoredTypes, List<String> ignoredPrefixes) {
    super(INFO, INTEREST);
    this.ignoredTypes = Set.copyOf(ignoredTypes);
    this.ignoredPrefixes = List.copyOf(ignoredPrefixes);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!Matches.noSubresource(event)) {
      return List.of();
    }
    JsonNode written = Requests.writtenObject(event);
    // A delete's response object, at RequestResponse level, is the deleted secret.
    JsonNode secret = written != null ? written : event.responseObject();
    String type = secret == null ? "" : secret.path("type").asText("");
    if (ignoredTypes.contains(type)) {
      return List.of();
    }
    String namespace = Requests.namespace(event);
    String name = Requests.objectName(event, written);
    for (String prefix : ignoredPrefixes) {
      if (name.startsWith(prefix)) {
        return List.of();
      }
    }
    String description =
        Matches.subject(event, "Secret", Requests.qualified(namespace, name))
            + ". Applications that trust this secret now see a different credential, or none.";
    return List.of(
        Matches.about(
            event,
            "Secret",
            namespace,
            name,
            "secret",
            description,
            type.isEmpty() ? Map.of() : Map.of("secretType", type)));
  }
}
