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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_ClientCertificateRequested}: a CertificateSigningRequest for the signer {@code
 * kubernetes.io/kube-apiserver-client} (a client certificate the API server accepts) created by a
 * principal that is not a node or a node bootstrap token. Kubelets request their own certificates
 * from {@code kube-apiserver-client-kubelet}; a client certificate requested by a person or a
 * workload is the first half of minting a credential (Elastic "Kubernetes Client Certificate Signing
 * Request Created or Approved"; {@code VIGIL_CsrApprovedByUser} is the second half).
 *
 * <p>Triage: read the CSR's {@code spec.request} (the subject's CN is the user name, O the groups);
 * a request for {@code system:masters} or an existing administrator is an attempt at a permanent
 * credential. Deny it ({@code kubectl certificate deny NAME}) if nobody expects it.
 */
public final class ClientCertificateRequestedDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_ClientCertificateRequested";

  /** The signer whose certificates authenticate clients to the API server. */
  static final String CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Client certificate requested",
          Severity.Medium,
          List.of("Persistence", "CredentialAccess"),
          List.of("T1649", "T1098"),
          List.of(
              "Decode the CSR's spec.request (openssl req -noout -text) and check the subject: CN is"
                  + " the user, O the groups the certificate will carry.",
              "Deny it if it is not expected: an issued certificate cannot be revoked before it"
                  + " expires."));

  private static final Interest INTEREST =
      Interest.of(Set.of("create"), Set.of("certificatesigningrequests"));

  public ClientCertificateRequestedDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!Matches.noSubresource(event) || isNodeIdentity(event)) {
      return List.of();
    }
    JsonNode csr = Requests.writtenObject(event);
    if (csr == null || !CLIENT_SIGNER.equals(csr.path("spec").path("signerName").asText())) {
      return List.of();
    }
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("signerName", CLIENT_SIGNER);
    String requester = csr.path("spec").path("username").asText("");
    if (!requester.isEmpty()) {
      evidence.put("requestingUser", requester);
    }
    return List.of(
        Matches.aboutWritten(
            event,
            csr,
            "CertificateSigningRequest",
            "user",
            " for the signer " + CLIENT_SIGNER + ": once approved it is a client certificate the"
                + " API server accepts until it expires.",
            evidence));
  }

  /** Kubelets and bootstrap tokens request certificates as part of joining the cluster. */
  private static boolean isNodeIdentity(AuditEvent event) {
    String user = event.username();
    if (user != null && (user.startsWith("system:node:") || user.startsWith("system:bootstrap:"))) {
      return true;
    }
    if (event.user() != null) {
      for (String group : event.user().groupsOrEmpty()) {
        if ("system:bootstrappers".equals(group) || "system:nodes".equals(group)) {
          return true;
        }
      }
    }
    return false;
  }
}
