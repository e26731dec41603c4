package dev.vigil.detection.rules.secrets;

import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.Principals;
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
 * {@code VIGIL_SecretAccessBySuspiciousClient}: secrets read ({@code get}, {@code list}, {@code
 * watch}) by a scripting client (list {@code scriptingClients}: curl, python-requests, ..., matched
 * as a user-agent product), or listed or watched across all namespaces by a service account
 * (Sigma "secrets enumeration", Elastic "secret access by unusual client"). Controllers that list
 * every secret by design are trusted in the configuration.
 *
 * <p>Triage: tools and people use kubectl; a stolen token is used with curl or a script. Cluster-wide
 * secret listing by a workload's account is credential harvesting unless that workload is a known
 * operator.
 */
public final class SecretAccessBySuspiciousClientDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_SecretAccessBySuspiciousClient";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Secrets read by a suspicious client",
          Severity.Medium,
          List.of("CredentialAccess", "Discovery"),
          List.of("T1552.007"),
          List.of(
              "Find where the credential was used from (source IPs) and whether its owner ran this"
                  + " client.",
              "If not, revoke the credential and rotate the secrets it could read."));

  private static final Interest INTEREST =
      Interest.of(Set.of("get", "list", "watch"), Set.of("secrets"));

  private final List<String> clients;

  public SecretAccessBySuspiciousClientDetector(List<String> clients) {
    super(INFO, INTEREST);
    this.clients = List.copyOf(clients);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String agent = event.userAgent();
    for (String client : clients) {
      if (agent != null && agentProduct(agent, client)) {
        String namespace = Requests.namespace(event);
        String target =
            event.objectName() == null
                ? "secrets" + (namespace == null ? " across all namespaces" : " in " + namespace)
                : "secret " + Requests.qualified(namespace, event.objectName());
        return List.of(
            Matches.aboutUser(
                event,
                "User " + event.username() + " " + Requests.pastTense(event.verb()) + " " + target
                    + " with the scripting client \"" + agent
                    + "\"; people and tools normally use kubectl or a controller library.",
                Map.of("client", client)));
      }
    }
    String user = event.username();
    if (("list".equals(event.verb()) || "watch".equals(event.verb()))
        && Requests.namespace(event) == null
        && Principals.isServiceAccount(user)) {
      return List.of(
          Matches.aboutUser(
              event,
              "Service account " + user + " " + Requests.pastTense(event.verb())
                  + " the secrets of every namespace.",
              Map.of("scope", "cluster")));
    }
    return List.of();
  }

  /** Whether the user agent's first product is {@code client} ({@code curl/8.5.0}). */
  private static boolean agentProduct(String agent, String client) {
    return agent.regionMatches(true, 0, client, 0, client.length())
        && (agent.length() == client.length() || agent.charAt(client.length()) == '/'
            || agent.charAt(client.length()) == ' ');
  }
}
