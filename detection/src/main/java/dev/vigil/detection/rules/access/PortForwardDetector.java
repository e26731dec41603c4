package dev.vigil.detection.rules.access;

import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;

/**
 * {@code VIGIL_PortForward}: a port-forward to a pod ({@code pods/portforward}).
 *
 * <p>Triage: port-forward tunnels from the user's machine straight into the pod network, past
 * ingress controls and network policies. Check which port and why.
 */
public final class PortForwardDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_PortForward";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Port-forward to a pod",
          Severity.Low,
          List.of("CommandAndControl", "LateralMovement"),
          List.of("T1572"),
          List.of(
              "Confirm with the user what the tunnel was for.",
              "Limit pods/portforward to the people who need it."));

  private static final Interest INTEREST = Interest.of(ExecRequests.VERBS, ExecRequests.RESOURCES);

  public PortForwardDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!"portforward".equals(event.subresource())) {
      return List.of();
    }
    String ports = ExecRequests.parameter(event.requestURI(), "ports");
    String pod = Requests.qualified(Requests.namespace(event), Requests.objectName(event, null));
    String description =
        "User "
            + event.username()
            + " opened a port-forward to pod "
            + pod
            + (ports == null ? "" : " on port " + ports)
            + ", tunnelling into the pod network.";
    return List.of(
        ExecRequests.match(event, description, ports == null ? Map.of() : Map.of("ports", ports)));
  }
}
