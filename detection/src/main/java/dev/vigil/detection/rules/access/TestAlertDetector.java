package dev.vigil.detection.rules.access;

import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;

/**
 * {@code K8S_TestAlert}: any request in a namespace named {@code asc-alerttest-*}, the connectivity
 * check of the seed product ({@code kubectl get pods --namespace=asc-alerttest-662jfi039n}). It fires
 * whatever the response code: the namespace usually does not exist, and the point is that the event
 * arrived.
 */
public final class TestAlertDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "K8S_TestAlert";
  static final String NAMESPACE_PREFIX = "asc-alerttest-";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Test alert for Kubernetes (not a threat)",
          Severity.Informational,
          List.of(),
          List.of(),
          List.of(
              "No action is needed: this alert confirms that the cluster's audit events reach Vigil"
                  + " and that alerts are raised from them.",
              "Dismiss the alert once the connection is confirmed."));

  private static final Interest INTEREST = Interest.any().includingFailedRequests();

  public TestAlertDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String namespace = Requests.namespace(event);
    if (namespace == null || !namespace.startsWith(NAMESPACE_PREFIX)) {
      return List.of();
    }
    String user = event.username();
    String request =
        event.resourcePath() == null ? event.verb() : event.verb() + " " + event.resourcePath();
    String description =
        "User "
            + user
            + " sent the test request \""
            + request
            + "\" in namespace "
            + namespace
            + ". This is not a threat: it shows that audit events from the cluster reach Vigil.";
    return List.of(
        new Match(
            namespace,
            List.of(Entity.of("user", user), Entity.of("namespace", namespace)),
            description,
            Map.of("responseCode", Integer.toString(event.responseCode()))));
  }
}
