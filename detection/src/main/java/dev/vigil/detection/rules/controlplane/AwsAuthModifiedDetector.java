package dev.vigil.detection.rules.controlplane;

import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.Severity;
import java.util.List;

/**
 * {@code VIGIL_AwsAuthModified}: the EKS {@code aws-auth} config map (list {@code
 * awsAuthConfigMaps}) created, changed or deleted.
 *
 * <p>Triage: {@code aws-auth} maps IAM roles and users to Kubernetes groups; one added line makes an
 * outside AWS identity {@code system:masters}. Diff {@code mapRoles}/{@code mapUsers}.
 */
public final class AwsAuthModifiedDetector extends ConfigMapChangeDetector {

  public static final String ALERT_TYPE = "VIGIL_AwsAuthModified";

  private static final DetectorInfo INFO =
      info(
          ALERT_TYPE,
          "EKS aws-auth config map modified",
          Severity.High,
          List.of("Persistence", "PrivilegeEscalation"),
          List.of("T1098"),
          List.of(
              "Diff mapRoles and mapUsers with the last known version; remove unknown identities.",
              "Move to EKS access entries, which are audited in CloudTrail."));

  public AwsAuthModifiedDetector(List<String> configMaps) {
    super(configMaps);
  }

  @Override
  public DetectorInfo info() {
    return INFO;
  }

  @Override
  String why() {
    return "aws-auth decides which AWS identities are Kubernetes administrators.";
  }
}
