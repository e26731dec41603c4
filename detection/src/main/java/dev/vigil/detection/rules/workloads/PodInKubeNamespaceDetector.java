package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_PodInKubeNamespace}: a pod or workload created in a system namespace ({@code
 * systemNamespaces}: kube-system, kube-public) with a container image that is not trusted (Falco
 * "Pod Created in Kube Namespace", Sigma "pod in system namespace", on every workload kind).
 *
 * <p>Triage: attackers hide workloads among the control plane's pods. The system images of the
 * distribution are trusted in the configuration; anything else there needs an owner.
 */
public final class PodInKubeNamespaceDetector extends PodSpecDetector {

  public static final String ALERT_TYPE = "VIGIL_PodInKubeNamespace";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Workload created in a Kubernetes system namespace",
          Severity.Medium,
          List.of("Persistence", "DefenseEvasion"),
          List.of("T1610"),
          List.of(
              "Find out who owns the workload and why it runs in a system namespace.",
              "If it belongs to a known add-on, trust its image in the detection configuration;"
                  + " otherwise delete it and review what the creator did."));

  private final Set<String> systemNamespaces;
  private final Allowlist allowlist;

  public PodInKubeNamespaceDetector(List<String> systemNamespaces, Allowlist allowlist) {
    super(INFO, Set.of("create"));
    this.systemNamespaces = Set.copyOf(systemNamespaces);
    this.allowlist = allowlist;
  }

  @Override
  Offence offence(AuditEvent event, JsonNode spec) {
    String namespace = Requests.objectNamespace(event, Requests.writtenObject(event));
    if (namespace == null || !systemNamespaces.contains(namespace)) {
      return null;
    }
    List<PodSpecs.Container> containers = PodSpecs.containers(spec);
    if (allowlist.trustsAllImages(containers)) {
      return null;
    }
    return new Offence(
        "in system namespace " + namespace,
        "System namespaces hold the control plane; a foreign workload there hides among it.",
        containers,
        Map.of("images", String.join(",", Matches.images(containers))));
  }
}
