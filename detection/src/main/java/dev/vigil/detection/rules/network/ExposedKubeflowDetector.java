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
 * {@code K8S_ExposedKubeflow}: Kubeflow's dashboard or pipelines UI (list {@code kubeflowApps},
 * matched in the service's name, selector, labels or namespace, which covers the Istio ingress of a
 * {@code kubeflow} namespace) written as a LoadBalancer service.
 *
 * <p>Triage: Kubeflow runs arbitrary notebooks and pipelines; attackers deploy miners through
 * exposed Kubeflow dashboards.
 */
public final class ExposedKubeflowDetector implements Detector {

  public static final String ALERT_TYPE = "K8S_ExposedKubeflow";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Exposed Kubeflow dashboard detected",
          Severity.Medium,
          List.of("InitialAccess"),
          List.of("T1133"),
          List.of(
              "Put the Kubeflow dashboard behind authentication, or make the service ClusterIP.",
              "Look for unknown notebooks and pipelines."));

  private static final Interest INTEREST = Interest.of(PodSpecs.WRITE_VERBS, Services.RESOURCES);

  private final List<String> names;

  public ExposedKubeflowDetector(List<String> names) {
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
    if (service == null || !service.isLoadBalancer()) {
      return List.of();
    }
    String app = service.matchedApp(names, true);
    if (app == null) {
      return List.of();
    }
    return List.of(
        service.match(
            "as a LoadBalancer for Kubeflow (" + app + ")",
            "Kubeflow's UI runs code for whoever reaches it.",
            Map.of("serviceType", service.type, "app", app, "ports", service.ports())));
  }
}
