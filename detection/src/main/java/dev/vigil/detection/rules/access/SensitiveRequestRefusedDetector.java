package dev.vigil.detection.rules.access;

import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.Principals;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_SensitiveRequestRefused}: one request refused (401 or 403) on a sensitive operation
 * (list {@code sensitiveRefusals}, entries {@code verb resource[/subresource]}): reading secrets,
 * running code in pods, granting roles, minting tokens or certificates, impersonating, reaching the
 * kubelet. A principal that tries what its role does not allow is probing its permissions, often
 * with a stolen token (Elastic "Kubernetes Forbidden Creation Request" and "Denied Service Account
 * Request", Sigma "unauthorized or unauthenticated actions"). {@code VIGIL_ForbiddenBurst} reports
 * many refusals of anything; this reports the first one that matters.
 *
 * <p>Control-plane identities ({@code system:} users that are not service accounts, including
 * {@code system:anonymous}) are not reported: the node authorizer refuses kubelets the secrets of
 * pods not yet bound to them as a matter of course, and anonymous refusals are internet scanning.
 *
 * <p>Triage: who holds this credential and should it try this? A service account of a workload
 * that never needed secrets now asking for them is the typical compromised pod.
 */
public final class SensitiveRequestRefusedDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_SensitiveRequestRefused";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Sensitive request refused",
          Severity.Low,
          List.of("Discovery", "PrivilegeEscalation"),
          List.of("T1069", "T1078"),
          List.of(
              "Ask the owner of the principal whether it should try this; for a service account,"
                  + " check the workload's image and recent exec sessions.",
              "If nobody expects it, revoke the credential and look for its other requests from"
                  + " the same source IPs."));

  private final Set<String> operations;

  /**
   * @param operations entries {@code verb resource} or {@code verb resource/subresource}
   * @throws IllegalArgumentException when an entry is not of that form
   */
  public SensitiveRequestRefusedDetector(List<String> operations) {
    super(INFO, interest(operations));
    this.operations = Set.copyOf(operations.stream().map(String::strip).toList());
  }

  private static Interest interest(List<String> operations) {
    Set<String> verbs = new HashSet<>();
    Set<String> resources = new HashSet<>();
    for (String operation : operations) {
      String[] parts = operation.strip().split("\\s+");
      if (parts.length != 2 || parts[1].startsWith("/")) {
        throw new IllegalArgumentException(
            "sensitiveRefusals entry \"" + operation + "\" must be \"verb resource\" or \"verb"
                + " resource/subresource\", for example \"get secrets\" or \"create pods/exec\"");
      }
      verbs.add(parts[0]);
      int slash = parts[1].indexOf('/');
      resources.add(slash < 0 ? parts[1] : parts[1].substring(0, slash));
    }
    return Interest.of(verbs, resources).includingFailedRequests();
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    int code = event.responseCode();
    if ((code != 401 && code != 403)
        || Principals.isControlPlane(event.username())
        || !operations.contains(event.verb() + " " + event.resourcePath())) {
      return List.of();
    }
    String namespace = Requests.namespace(event);
    String name = event.objectName();
    String target =
        event.resourcePath()
            + (name == null ? "" : " " + Requests.qualified(namespace, name))
            + (name == null && namespace != null ? " in " + namespace : "");
    return List.of(
        Matches.aboutUser(
            event,
            "The API server refused " + event.username() + " (" + code + ") to " + event.verb()
                + " " + target + ": a sensitive operation this principal may not do.",
            Map.of("responseCode", Integer.toString(code))));
  }
}
