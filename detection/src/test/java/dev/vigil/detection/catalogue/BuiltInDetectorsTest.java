package dev.vigil.detection.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.Match;
import dev.vigil.detection.streams.TopologyHarness;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in detectors as plain Java, without the topology. */
class BuiltInDetectorsTest {

  private static final DetectorCatalogue CATALOGUE =
      DetectorCatalogue.builtIn(DetectionConfig.defaults(new SimpleMeterRegistry()));

  private static AuditEvent fixture(String type, String file) throws Exception {
    Path path = TopologyHarness.fixturesRoot().resolve(type).resolve(file);
    return Json.mapper().readValue(Files.readString(path), AuditEvent.class);
  }

  private static Detector detector(String type) {
    return CATALOGUE.get(type).orElseThrow();
  }

  @Test
  void anEventThatDoesNotMatchGetsTheSharedEmptyList() throws Exception {
    AuditEvent quiet = fixture("K8S_PrivilegedContainer", "quiet-privileged-false.json");
    for (Detector detector : CATALOGUE.all()) {
      assertThat(detector.inspect(quiet)).as(detector.info().alertType()).isSameAs(List.of());
    }
  }

  @Test
  void aPrivilegedInitContainerOfACronJobIsNamedWithItsWorkload() throws Exception {
    List<Match> matches =
        detector("K8S_PrivilegedContainer")
            .inspect(fixture("K8S_PrivilegedContainer", "fires-cronjob-init-container.json"));
    assertThat(matches).hasSize(1);
    Match match = matches.get(0);
    assertThat(match.compromisedEntity()).isEqualTo("ops/CronJob/nightly");
    assertThat(match.entities())
        .contains(
            Entity.of("user", "alice@example.com"),
            Entity.of("workload", "ops/nightly"),
            Entity.of("image", "busybox:1.36"));
    assertThat(match.extendedProperties()).containsEntry("containers", "setup");
    assertThat(match.description()).contains("alice@example.com", "CronJob ops/nightly", "setup");
  }

  @Test
  void aDisguisedHostPathIsShownWithWhatItReallyMounts() throws Exception {
    Match match =
        detector("K8S_SensitiveMount")
            .inspect(fixture("K8S_SensitiveMount", "fires-dotdot-path-pod.json"))
            .get(0);
    assertThat(match.extendedProperties())
        .containsEntry("hostPaths", "/var/log/../../etc/ (/etc)")
        .containsEntry("containers", "app");
    assertThat(match.compromisedEntity()).isEqualTo("shop/Pod/web-1");
  }

  @Test
  void aRoleBindingToClusterAdminNamesItsServiceAccountSubject() throws Exception {
    Match match =
        detector("K8S_ClusterAdminBinding")
            .inspect(fixture("K8S_ClusterAdminBinding", "fires-rolebinding-service-account.json"))
            .get(0);
    assertThat(match.compromisedEntity()).isEqualTo("team-a/RoleBinding/ci-admin");
    assertThat(match.entities())
        .contains(
            Entity.of("binding", "team-a/ci-admin"),
            Entity.of("role", "cluster-admin"),
            Entity.of("user", "system:serviceaccount:team-a:ci"));
    assertThat(match.description()).contains("in namespace team-a", "ServiceAccount team-a/ci");
  }

  @Test
  void theTestAlertIsAboutTheNamespace() throws Exception {
    Match match =
        detector("K8S_TestAlert")
            .inspect(fixture("K8S_TestAlert", "fires-forbidden-namespace-only-in-uri.json"))
            .get(0);
    assertThat(match.compromisedEntity()).isEqualTo("asc-alerttest-0x1");
    assertThat(match.extendedProperties()).containsEntry("responseCode", "403");
  }
}
