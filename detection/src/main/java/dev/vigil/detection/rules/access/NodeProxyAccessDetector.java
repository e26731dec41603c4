package dev.vigil.detection.rules.access;

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
 * {@code VIGIL_NodeProxyAccess}: a request through the {@code nodes/proxy} subresource, which
 * reaches the kubelet API of a node through the API server ({@code /api/v1/nodes/N/proxy/...}).
 *
 * <p>Triage: the kubelet API runs commands in any pod of the node ({@code /run}, {@code /exec})
 * and such commands are not audited as exec. Check the path that was requested.
 */
public final class NodeProxyAccessDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_NodeProxyAccess";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Kubelet API accessed through the API server",
          Severity.Medium,
          List.of("Execution", "LateralMovement"),
          List.of("T1609"),
          List.of(
              "Check the requested path: /run, /exec and /attach run commands in pods.",
              "Remove nodes/proxy from roles that do not need it (monitoring needs nodes/metrics"
                  + " instead)."));

  private static final Interest INTEREST =
      Interest.of(Set.of(), Set.of("nodes"));

  public NodeProxyAccessDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!"proxy".equals(event.subresource())) {
      return List.of();
    }
    String node = Requests.objectName(event, null);
    String description =
        "User "
            + event.username()
            + " reached the kubelet of node "
            + node
            + " through the API server ("
            + event.verb()
            + " "
            + event.requestURI()
            + ").";
    return List.of(
        Matches.about(
            event, "Node", null, node, "node", description,
            Map.of("requestURI", String.valueOf(event.requestURI()))));
  }
}
