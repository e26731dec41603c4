package dev.vigil.detection.rules.controlplane;

import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code K8S_AdmissionController}: a mutating or validating admission webhook configuration (or a
 * validating admission policy or its binding) created, updated, patched or deleted (Sigma "change
 * admission controller"). Controllers that rotate their own webhook's CA bundle are trusted.
 *
 * <p>Triage: a mutating webhook sees, and can rewrite, every object it selects, secrets included; a
 * deleted validating webhook switches a policy off. Check the webhook's service and rules.
 */
public final class AdmissionControllerDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "K8S_AdmissionController";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Admission controller configuration changed",
          Severity.Low,
          List.of("Persistence", "CredentialAccess"),
          List.of("T1546"),
          List.of(
              "Check the webhook's clientConfig (service or URL) and its rules: which objects does"
                  + " it see and change?",
              "If it is not part of a known add-on, delete it and review the creator's activity."));

  private static final Interest INTEREST =
      Interest.of(
          Set.of("create", "update", "patch", "delete"),
          Set.of(
              "mutatingwebhookconfigurations",
              "validatingwebhookconfigurations",
              "validatingadmissionpolicies",
              "validatingadmissionpolicybindings"));

  public AdmissionControllerDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!Matches.noSubresource(event)) {
      return List.of();
    }
    String kind = Matches.kindOf(event.resource());
    var object = Requests.writtenObject(event);
    String name = Requests.objectName(event, object);
    List<String> targets = new ArrayList<>();
    if (object != null) {
      for (var webhook : object.path("webhooks")) {
        var client = webhook.path("clientConfig");
        String target =
            client.has("url")
                ? client.path("url").asText()
                : client.path("service").path("namespace").asText("?") + "/"
                    + client.path("service").path("name").asText("?");
        targets.add(webhook.path("name").asText("?") + " -> " + target);
      }
    }
    String description =
        Matches.subject(event, kind, name)
            + (targets.isEmpty() ? "" : " (" + String.join(", ", targets) + ")")
            + ". Admission webhooks see and can change the objects they select.";
    return List.of(
        Matches.about(
            event, kind, null, name, "workload", description,
            Map.of("kind", kind, "webhooks", String.join(",", targets))));
  }
}
