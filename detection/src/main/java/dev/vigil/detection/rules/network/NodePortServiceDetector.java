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
 * {@code VIGIL_NodePortService}: a service written with type NodePort (Falco "Create NodePort
 * Service").
 *
 * <p>Triage: a NodePort opens the port on every node's address, usually outside the ingress and
 * firewall design. Was a LoadBalancer or Ingress meant?
 */
public final class NodePortServiceDetector implements Detector {

  public static final String ALERT_TYPE = "VIGIL_NodePortService";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "NodePort service created",
          Severity.Low,
          List.of("InitialAccess"),
          List.of("T1133"),
          List.of(
              "Check that the port should be open on every node, and that node firewalls restrict"
                  + " it."));

  private static final Interest INTEREST = Interest.of(PodSpecs.WRITE_VERBS, Services.RESOURCES);

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
    if (service == null || !Services.NODE_PORT.equals(service.type)) {
      return List.of();
    }
    return List.of(
        service.match(
            "as type NodePort (ports " + service.ports() + ")",
            "Its ports are open on every node of the cluster.",
            Map.of("serviceType", service.type, "ports", service.ports())));
  }
}
