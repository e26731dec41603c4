package dev.vigil.detection.rules.controlplane;

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
 * A change (create, update, patch, delete) of one of a listed set of config maps ({@code
 * namespace/name}): a family of alert types that differ only in data ({@link Watched}): their list,
 * what they raise and why the change matters.
 */
public final class ConfigMapChangeDetector extends AbstractDetector {

  private static final Interest INTEREST =
      Interest.of(Set.of("create", "update", "patch", "delete"), Set.of("configmaps"));

  /** The members of the family, one alert type each. */
  public enum Watched {
    /**
     * {@code K8S_CoreDnsModification}: the CoreDNS config map (list {@code coreDnsConfigMaps}:
     * {@code kube-system/coredns}, {@code kube-system/coredns-custom}) created, changed or deleted.
     *
     * <p>Triage: whoever controls cluster DNS can redirect any service name to an attacker's
     * endpoint. Diff the Corefile against the last known version.
     */
    CORE_DNS(
        new DetectorInfo(
            "K8S_CoreDnsModification",
            "CoreDNS modification in Kubernetes detected",
            Severity.Low,
            List.of("LateralMovement", "CredentialAccess"),
            List.of("T1557"),
            List.of(
                "Compare the Corefile with the last known version and revert unexpected rewrite,"
                    + " forward or hosts entries.",
                "Restrict write access to config maps in kube-system.")),
        "Whoever changes the cluster's DNS can redirect any service name."),
    /**
     * {@code VIGIL_AwsAuthModified}: the EKS {@code aws-auth} config map (list {@code
     * awsAuthConfigMaps}) created, changed or deleted.
     *
     * <p>Triage: {@code aws-auth} maps IAM roles and users to Kubernetes groups; one added line makes
     * an outside AWS identity {@code system:masters}. Diff {@code mapRoles}/{@code mapUsers}.
     */
    AWS_AUTH(
        new DetectorInfo(
            "VIGIL_AwsAuthModified",
            "EKS aws-auth config map modified",
            Severity.High,
            List.of("Persistence", "PrivilegeEscalation"),
            List.of("T1098"),
            List.of(
                "Diff mapRoles and mapUsers with the last known version; remove unknown identities.",
                "Move to EKS access entries, which are audited in CloudTrail.")),
        "aws-auth decides which AWS identities are Kubernetes administrators.");

    private final DetectorInfo info;
    private final String why;

    Watched(DetectorInfo info, String why) {
      this.info = info;
      this.why = why;
    }

    public String alertType() {
      return info.alertType();
    }
  }

  private final Watched watched;
  private final Set<String> configMaps;

  /** @param configMaps the watched config maps, {@code namespace/name} */
  public ConfigMapChangeDetector(Watched watched, List<String> configMaps) {
    super(watched.info, INTEREST);
    this.watched = watched;
    this.configMaps = Set.copyOf(configMaps);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!Matches.noSubresource(event)) {
      return List.of();
    }
    String namespace = Requests.namespace(event);
    String name = Requests.objectName(event, Requests.writtenObject(event));
    if (namespace == null || !configMaps.contains(namespace + "/" + name)) {
      return List.of();
    }
    String description =
        Matches.subject(event, "ConfigMap", namespace + "/" + name) + ". " + watched.why;
    return List.of(
        Matches.about(event, "ConfigMap", namespace, name, "configmap", description, Map.of()));
  }
}
