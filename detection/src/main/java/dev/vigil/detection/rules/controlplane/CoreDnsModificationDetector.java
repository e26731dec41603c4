package dev.vigil.detection.rules.controlplane;

import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.Severity;
import java.util.List;

/**
 * {@code K8S_CoreDnsModification}: the CoreDNS config map (list {@code coreDnsConfigMaps}: {@code
 * kube-system/coredns}, {@code kube-system/coredns-custom}) created, changed or deleted.
 *
 * <p>Triage: whoever controls cluster DNS can redirect any service name to an attacker's endpoint.
 * Diff the Corefile against the last known version.
 */
public final class CoreDnsModificationDetector extends ConfigMapChangeDetector {

  public static final String ALERT_TYPE = "K8S_CoreDnsModification";

  private static final DetectorInfo INFO =
      info(
          ALERT_TYPE,
          "CoreDNS modification in Kubernetes detected",
          Severity.Low,
          List.of("LateralMovement", "CredentialAccess"),
          List.of("T1557"),
          List.of(
              "Compare the Corefile with the last known version and revert unexpected rewrite,"
                  + " forward or hosts entries.",
              "Restrict write access to config maps in kube-system."));

  public CoreDnsModificationDetector(List<String> configMaps) {
    super(configMaps);
  }

  @Override
  public DetectorInfo info() {
    return INFO;
  }

  @Override
  String why() {
    return "Whoever changes the cluster's DNS can redirect any service name.";
  }
}
