package dev.vigil.detection.rules.controlplane;

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
 * {@code K8S_DeleteEvents}: Kubernetes events deleted ({@code delete} or {@code deletecollection} of
 * {@code events}, core or {@code events.k8s.io}). Expiry by the API server's TTL is not an API call
 * and is not audited, so a deletion is a person or a tool.
 *
 * <p>Triage: deleting events hides an attacker's tracks (failed pulls, killed pods). What happened
 * in that namespace just before?
 */
public final class DeleteEventsDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "K8S_DeleteEvents";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Delete Kubernetes events detected",
          Severity.Low,
          List.of("DefenseEvasion"),
          List.of("T1070"),
          List.of(
              "Find out why the user deleted events, and review the audit log of the namespace"
                  + " around that time: the audit log still has what the events showed."));

  private static final Interest INTEREST =
      Interest.of(Set.of("delete", "deletecollection"), Set.of("events"));

  public DeleteEventsDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String namespace = Requests.namespace(event);
    String what =
        "deletecollection".equals(event.verb()) || event.objectName() == null
            ? "all events"
            : "event " + event.objectName();
    String description =
        "User "
            + event.username()
            + " deleted "
            + what
            + (namespace == null ? " across the cluster" : " in namespace " + namespace)
            + ". Deleting events hides activity from operators.";
    return List.of(Matches.aboutUser(event, description, Map.of("verb", event.verb())));
  }
}
