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

/**
 * {@code VIGIL_AnonymousRequestAllowed}: a request by {@code system:anonymous} that the API server
 * allowed (annotation {@code authorization.k8s.io/decision: allow}, or a response below 400 when
 * the annotation is absent), except for the public paths of list {@code anonymousPublicPaths}
 * ({@code /healthz}, {@code /version}, ...). Falco "Anonymous Request Allowed".
 *
 * <p>Triage: some RBAC binding grants the anonymous user more than discovery. Find it: {@code
 * kubectl get clusterrolebindings,rolebindings -A -o wide | grep system:anonymous}.
 */
public final class AnonymousRequestAllowedDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_AnonymousRequestAllowed";
  static final String ANONYMOUS = "system:anonymous";
  static final String DECISION = "authorization.k8s.io/decision";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Anonymous request allowed",
          Severity.Medium,
          List.of("InitialAccess"),
          List.of("T1078.001"),
          List.of(
              "Find and remove the binding that grants system:anonymous or system:unauthenticated"
                  + " this permission.",
              "Consider --anonymous-auth=false on the API server."));

  private static final Interest INTEREST = Interest.any();

  private final List<String> publicPaths;

  public AnonymousRequestAllowedDetector(List<String> publicPaths) {
    super(INFO, INTEREST);
    this.publicPaths = List.copyOf(publicPaths);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!ANONYMOUS.equals(event.username())) {
      return List.of();
    }
    String decision = event.annotations() == null ? null : event.annotations().get(DECISION);
    if (decision != null && !"allow".equals(decision)) {
      return List.of();
    }
    String uri = event.requestURI();
    if (event.resource() == null && uri != null) {
      for (String path : publicPaths) {
        if (uri.equals(path) || uri.startsWith(path + "/") || uri.startsWith(path + "?")) {
          return List.of();
        }
      }
    }
    String what = event.resourcePath() == null ? uri : event.resourcePath();
    String namespace = Requests.namespace(event);
    String description =
        "An anonymous (unauthenticated) request was allowed: "
            + event.verb()
            + " "
            + what
            + (namespace == null ? "" : " in namespace " + namespace)
            + ". Some binding grants system:anonymous more than discovery.";
    return List.of(
        Matches.aboutUser(
            event, description, Map.of("requestURI", String.valueOf(uri))));
  }
}
