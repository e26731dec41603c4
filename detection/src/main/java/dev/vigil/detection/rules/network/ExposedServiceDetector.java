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
 * {@code K8S_ExposedService}: a LoadBalancer service for a sensitive application (list {@code
 * sensitiveApps}: Jenkins, Kibana, Elasticsearch, Grafana, databases, Vault, ..., matched in the
 * service's name, selector or labels).
 *
 * <p>Triage: these applications hold credentials or data and are attacked as soon as they are
 * reachable. Was the exposure intended, and is authentication on?
 */
public final class ExposedServiceDetector implements Detector {

  public static final String ALERT_TYPE = "K8S_ExposedService";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Exposed sensitive application detected",
          Severity.Medium,
          List.of("InitialAccess"),
          List.of("T1133"),
          List.of(
              "Check that the exposure is intended and that the application requires"
                  + " authentication.",
              "Restrict spec.loadBalancerSourceRanges, or use ClusterIP behind an authenticating"
                  + " ingress."));

  private static final Interest INTEREST = Interest.of(PodSpecs.WRITE_VERBS, Services.RESOURCES);

  private final List<String> apps;

  public ExposedServiceDetector(List<String> apps) {
    this.apps = List.copyOf(apps);
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
    if (service == null || !service.isLoadBalancer()) {
      return List.of();
    }
    String app = service.matchedApp(apps, false);
    if (app == null) {
      return List.of();
    }
    return List.of(
        service.match(
            "as a LoadBalancer for " + app,
            "A sensitive application is reachable from outside the cluster.",
            Map.of("serviceType", service.type, "app", app, "ports", service.ports())));
  }
}
