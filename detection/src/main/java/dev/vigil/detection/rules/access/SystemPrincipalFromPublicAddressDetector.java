package dev.vigil.detection.rules.access;

import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.detection.stateful.CidrSet;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;

/**
 * {@code VIGIL_SystemPrincipalFromPublicIP}: a request by a system principal (list {@code
 * systemPrincipals}: {@code system:kube-*}, {@code system:node:*}, the controllers' service accounts
 * in {@code kube-system}) from a source address outside the cluster's known networks ({@link
 * KnownNetworks}: private ranges, the site's own public ranges, the cloud providers' ranges).
 * Control-plane components and kubelets talk to the API server from inside the cluster; their
 * credentials used from anywhere else were taken off a node or out of a control-plane pod. Refused
 * requests count too: a stolen credential is tried before it works.
 *
 * <p>Triage: which node or component holds this identity, and is the address one of the cluster's
 * own (a NAT gateway, a node's public IP not yet in {@code clusterNetworks})? If not, rotate the
 * credential (kubelet certificate, service-account token) and inspect the node it came from.
 */
public final class SystemPrincipalFromPublicAddressDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_SystemPrincipalFromPublicIP";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "System principal used from a public address",
          Severity.Medium,
          List.of("InitialAccess", "CredentialAccess"),
          List.of("T1078", "T1552.001"),
          List.of(
              "Check whether the address belongs to the cluster (NAT gateway, node public IP); if"
                  + " so add it to the clusterNetworks list.",
              "Otherwise rotate the credential of this identity and inspect the node or pod that"
                  + " held it."));

  private final Allowlist principals;
  private final CidrSet known;

  /**
   * @param systemPrincipals user names, exact or a prefix ending in {@code *}
   * @param clusterNetworks the cluster's own networks (CIDRs or addresses)
   * @param cloudRangeFiles files of cloud provider ranges; empty for the bundled ranges
   * @throws IllegalArgumentException naming the entry, file and line that is not a network
   */
  public SystemPrincipalFromPublicAddressDetector(
      List<String> systemPrincipals, List<String> clusterNetworks, List<String> cloudRangeFiles) {
    super(INFO, Interest.any().includingFailedRequests());
    this.principals = new Allowlist(systemPrincipals, List.of(), List.of(), List.of());
    this.known = KnownNetworks.of(clusterNetworks, cloudRangeFiles);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String user = event.username();
    List<String> sources = event.sourceIPs();
    if (user == null || !user.startsWith("system:") || sources == null || sources.isEmpty()
        || !principals.trustsUser(user)) {
      return List.of();
    }
    for (String source : sources) {
      if (known.match(source) == null && CidrSet.parseAddress(source) != null) {
        return List.of(
            Matches.aboutUser(
                event,
                "System principal " + user + " sent a request (" + event.verb() + " "
                    + (event.resourcePath() == null ? event.requestURI() : event.resourcePath())
                    + ", answered " + event.responseCode() + ") from " + source
                    + ", outside the cluster's known networks: its credential is being used"
                    + " from elsewhere.",
                Map.of("publicSourceIP", source)));
      }
    }
    return List.of();
  }
}
