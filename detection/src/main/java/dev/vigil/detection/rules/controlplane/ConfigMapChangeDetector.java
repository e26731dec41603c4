package dev.vigil.detection.rules.controlplane;

import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.Detector;
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
 * namespace/name}); the shared logic of {@link CoreDnsModificationDetector} and {@link
 * AwsAuthModifiedDetector}, which differ in their list and metadata.
 */
abstract class ConfigMapChangeDetector implements Detector {

  private static final Interest INTEREST =
      Interest.of(Set.of("create", "update", "patch", "delete"), Set.of("configmaps"));

  private final Set<String> configMaps;

  ConfigMapChangeDetector(List<String> configMaps) {
    this.configMaps = Set.copyOf(configMaps);
  }

  @Override
  public Interest interest() {
    return INTEREST;
  }

  /** Why a change of this config map matters, one sentence. */
  abstract String why();

  @Override
  public List<Match> inspect(AuditEvent event) {
    if (!INTEREST.matches(event.verb(), event.resource())) {
      return List.of();
    }
    if (!Matches.noSubresource(event)) {
      return List.of();
    }
    String namespace = Requests.namespace(event);
    String name = Requests.objectName(event, Requests.writtenObject(event));
    if (namespace == null || !configMaps.contains(namespace + "/" + name)) {
      return List.of();
    }
    String description =
        Matches.subject(event, "ConfigMap", namespace + "/" + name) + ". " + why();
    return List.of(
        Matches.about(event, "ConfigMap", namespace, name, "configmap", description, Map.of()));
  }

  static DetectorInfo info(
      String type, String name, Severity severity, List<String> tactics, List<String> techniques,
      List<String> remediation) {
    return new DetectorInfo(type, name, severity, tactics, techniques, remediation);
  }
}
