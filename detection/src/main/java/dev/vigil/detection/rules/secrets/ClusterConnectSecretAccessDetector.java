package dev.vigil.detection.rules.secrets;

import dev.vigil.detection.config.Allowlist;
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
 * {@code VIGIL_ClusterConnectSecretAccess}: a service account of a cluster-connect proxy (list
 * {@code clusterConnectServiceAccounts}: Azure Arc's {@code azure-arc} namespace, GKE Connect's
 * {@code gke-connect}) reading or writing secrets or config maps outside its own namespaces (the
 * account's namespace and list {@code clusterConnectNamespaces}), or across all namespaces. Such a
 * proxy relays requests from the cloud portal into the cluster; someone with access to the cloud
 * side reaches the cluster's credentials through it (Elastic "Kubernetes Secret or ConfigMap Access
 * via Azure Arc Proxy"). Helm release records ({@code ignoredSecretNamePrefixes}) are not reported.
 *
 * <p>Triage: the impersonated user in the event names the cloud identity behind the proxy; check
 * that identity's sign-ins and role assignments in the cloud.
 */
public final class ClusterConnectSecretAccessDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_ClusterConnectSecretAccess";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Secrets read through a cluster-connect proxy",
          Severity.Medium,
          List.of("CredentialAccess", "LateralMovement"),
          List.of("T1552.007", "T1078.004"),
          List.of(
              "Find the cloud identity behind the proxy (impersonatedUser) and whether it meant to"
                  + " read these objects.",
              "If not, remove its cloud role assignment on the connected cluster and rotate the"
                  + " secrets it read."));

  private static final Interest INTEREST =
      Interest.of(
          Set.of("get", "list", "watch", "create", "update", "patch", "delete"),
          Set.of("secrets", "configmaps"));

  private final Allowlist proxies;
  private final Set<String> ownNamespaces;
  private final List<String> ignoredNamePrefixes;

  /**
   * @param serviceAccounts the proxies' service accounts, exact or a prefix ending in {@code *}
   * @param ownNamespaces namespaces besides the account's own whose objects the proxy reads by
   *     design
   * @param ignoredNamePrefixes object names that are housekeeping (Helm release records)
   */
  public ClusterConnectSecretAccessDetector(
      List<String> serviceAccounts, List<String> ownNamespaces, List<String> ignoredNamePrefixes) {
    super(INFO, INTEREST);
    this.proxies = new Allowlist(serviceAccounts, List.of(), List.of(), List.of());
    this.ownNamespaces = Set.copyOf(ownNamespaces);
    this.ignoredNamePrefixes = List.copyOf(ignoredNamePrefixes);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String user = event.username();
    if (!Principals.isServiceAccount(user) || !proxies.trustsUser(user)) {
      return List.of();
    }
    String namespace = Requests.namespace(event);
    if (namespace != null
        && (ownNamespaces.contains(namespace)
            || namespace.equals(Principals.serviceAccountNamespace(user)))) {
      return List.of();
    }
    String name = event.objectName();
    if (name != null) {
      for (String prefix : ignoredNamePrefixes) {
        if (name.startsWith(prefix)) {
          return List.of();
        }
      }
    }
    String target =
        name != null
            ? Matches.kindOf(event.resource()) + " " + Requests.qualified(namespace, name)
            : event.resource() + (namespace == null ? " of every namespace" : " in " + namespace);
    String behalf =
        event.impersonatedUser() == null || event.impersonatedUser().username() == null
            ? ""
            : " on behalf of " + event.impersonatedUser().username();
    return List.of(
        Matches.aboutUser(
            event,
            "Cluster-connect proxy account " + user + " " + Requests.pastTense(event.verb()) + " "
                + target + behalf + ", outside the proxy's own namespaces.",
            behalf.isEmpty()
                ? Map.of()
                : Map.of("impersonatedUser", event.impersonatedUser().username())));
  }
}
