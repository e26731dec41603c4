package dev.vigil.detection.rules.network;

import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;

/**
 * {@code K8S_ExposedDashboard}: the Kubernetes dashboard (list {@code dashboardApps}, matched in the
 * service's name, selector, labels or namespace) written as a LoadBalancer or NodePort service.
 *
 * <p>Triage: an exposed dashboard was the entry point of the Tesla cluster compromise. Take it off
 * the load balancer at once and check its service account's permissions.
 */
public final class ExposedDashboardDetector implements Detector {

  public static final String ALERT_TYPE = "K8S_ExposedDashboard";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Exposed Kubernetes dashboard detected",
          Severity.High,
          List.of("InitialAccess"),
          List.of("T1133"),
          List.of(
              "Change the service to ClusterIP and reach the dashboard through kubectl proxy or an"
                  + " authenticating proxy.",
              "Check the dashboard's service-account permissions and its access logs."));

  private static final Interest INTEREST = Interest.of(PodSpecs.WRITE_VERBS, Services.RESOURCES);

  private final List<String> names;

  public ExposedDashboardDetector(List<String> names) {
    this.names = List.copyOf(names);
  }

  @Override
  public DetectorInfo info() {
    return INFO;
  }

  @Override
  public Interest interest() {
    return INTEREST;
  }

  @Override
  public List<Match> inspect(AuditEvent event) {
    Services service = Services.written(event);
    if (service == null
        || !(service.isLoadBalancer() || Services.NODE_PORT.equals(service.type))) {
      return List.of();
    }
    String app = service.matchedApp(names, true);
    if (app == null) {
      return List.of();
    }
    return List.of(
        service.match(
            "as type " + service.type + " for the Kubernetes dashboard",
            "The dashboard is reachable from outside the cluster.",
            Map.of("serviceType", service.type, "app", app, "ports", service.ports())));
  }
}
