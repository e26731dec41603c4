package dev.vigil.detection.rules.network;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_IngressWithoutTls}: an Ingress written with rules but no {@code spec.tls} (a patch
 * counts when it carries {@code spec.rules}).
 *
 * <p>Triage: the application's traffic, credentials included, crosses the network in clear text.
 */
public final class IngressWithoutTlsDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_IngressWithoutTls";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Ingress without TLS",
          Severity.Low,
          List.of("CredentialAccess"),
          List.of("T1040"),
          List.of("Add a spec.tls section with a certificate (for example from cert-manager)."));

  private static final Interest INTEREST = Interest.of(PodSpecs.WRITE_VERBS, Set.of("ingresses"));

  public IngressWithoutTlsDetector() {
    super(INFO, INTEREST);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!Matches.noSubresource(event)) {
      return List.of();
    }
    JsonNode ingress = Requests.writtenObject(event);
    if (ingress == null) {
      return List.of();
    }
    JsonNode spec = ingress.path("spec");
    if (!spec.path("rules").isArray() || spec.path("rules").isEmpty()) {
      return List.of();
    }
    if (spec.path("tls").isArray() && !spec.path("tls").isEmpty()) {
      return List.of();
    }
    List<String> hosts = new ArrayList<>();
    for (JsonNode rule : spec.path("rules")) {
      hosts.add(rule.path("host").asText("*"));
    }
    return List.of(
        Matches.aboutWritten(
            event,
            ingress,
            "Ingress",
            "service",
            " serving "
                + String.join(", ", hosts)
                + " without TLS. Its traffic crosses the network in clear text.",
            Map.of("hosts", String.join(",", hosts))));
  }
}
