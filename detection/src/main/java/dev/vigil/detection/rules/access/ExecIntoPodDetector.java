package dev.vigil.detection.rules.access;

import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code VIGIL_ExecIntoPod}: an exec or attach into a container ({@code pods/exec}, {@code
 * pods/attach}) that the API server let through (101 Switching Protocols). Falco "Attach/Exec Pod",
 * Sigma "exec into container".
 *
 * <p>Triage: an interactive shell in a production pod is how most hands-on-keyboard attacks start,
 * and also how operators debug. Check the user, the command and the pod.
 */
public final class ExecIntoPodDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_ExecIntoPod";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Exec or attach into a container",
          Severity.Low,
          List.of("Execution"),
          List.of("T1609"),
          List.of(
              "Confirm with the user that the session was intended, and what it ran.",
              "Limit pods/exec and pods/attach to break-glass roles in production."));

  private static final Interest INTEREST = Interest.of(ExecRequests.VERBS, ExecRequests.RESOURCES);

  public ExecIntoPodDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String subresource = event.subresource();
    if (!"exec".equals(subresource) && !"attach".equals(subresource)) {
      return List.of();
    }
    String command = String.join(" ", ExecRequests.command(event.requestURI()));
    String container = ExecRequests.parameter(event.requestURI(), "container");
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("command", command);
    if (container != null) {
      evidence.put("container", container);
    }
    String pod = Requests.qualified(Requests.namespace(event), Requests.objectName(event, null));
    String description =
        "User "
            + event.username()
            + " opened "
            + ("exec".equals(subresource) ? "an exec session" : "an attach session")
            + " into pod "
            + pod
            + (container == null ? "" : ", container " + container)
            + (command.isEmpty() ? "" : ", running \"" + command + "\"")
            + ".";
    return List.of(ExecRequests.match(event, description, evidence));
  }
}
