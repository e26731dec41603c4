package dev.vigil.detection.rules.rbac;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code VIGIL_CsrApprovedByUser}: a CertificateSigningRequest approved (an {@code Approved}
 * condition written to the {@code approval} subresource) by a user who is not a {@code system:}
 * principal.
 *
 * <p>Triage: an approved client certificate is a credential the API server accepts until it
 * expires and that cannot be revoked. Check the request's subject and groups ({@code kubectl get
 * csr NAME -o yaml}).
 */
public final class CsrApprovedByUserDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_CsrApprovedByUser";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Certificate signing request approved by a user",
          Severity.Medium,
          List.of("Persistence", "CredentialAccess"),
          List.of("T1649"),
          List.of(
              "Check the CSR's subject, groups and signer; a certificate for system:masters is a"
                  + " permanent cluster-admin credential.",
              "If unexpected, rotate the cluster CA: issued certificates cannot be revoked."));

  private static final Interest INTEREST =
      Interest.of(Set.of("update", "patch"), Set.of("certificatesigningrequests"));

  public CsrApprovedByUserDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    String user = event.username();
    if (!"approval".equals(event.subresource()) || user == null || user.startsWith("system:")) {
      return List.of();
    }
    JsonNode csr = Requests.writtenObject(event);
    boolean approved = false;
    if (csr != null) {
      for (JsonNode condition : csr.path("status").path("conditions")) {
        if ("Approved".equals(condition.path("type").asText())
            && !"False".equals(condition.path("status").asText())) {
          approved = true;
        }
      }
    }
    if (!approved) {
      return List.of();
    }
    String name = Requests.objectName(event, csr);
    String signer = csr.path("spec").path("signerName").asText("");
    String description =
        "User " + user + " approved certificate signing request " + name
            + (signer.isEmpty() ? "" : " for signer " + signer)
            + ". The certificate will be a credential that cannot be revoked.";
    return List.of(
        Matches.about(
            event,
            "CertificateSigningRequest",
            null,
            name,
            "user",
            description,
            signer.isEmpty() ? Map.of() : Map.of("signerName", signer)));
  }
}
