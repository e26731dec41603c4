package dev.vigil.detection.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.detection.stateful.StatefulRule;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DetectorIndexTest {

  private static Detector detector(String type, Interest interest) {
    DetectorInfo info =
        new DetectorInfo(type, type, Severity.Low, List.of(), List.of(), List.of());
    return new Detector() {
      @Override
      public DetectorInfo info() {
        return info;
      }

      @Override
      public Interest interest() {
        return interest;
      }

      @Override
      public List<Match> inspect(AuditEvent event) {
        return List.of();
      }
    };
  }

  private static StatefulRule statefulRule(String type) {
    DetectorInfo info =
        new DetectorInfo(type, type, Severity.Low, List.of(), List.of(), List.of());
    return new StatefulRule() {
      @Override
      public DetectorInfo info() {
        return info;
      }

      @Override
      public String name() {
        return type.toLowerCase(Locale.ROOT);
      }
    };
  }

  private static List<String> types(List<Detector> detectors) {
    return detectors.stream().map(d -> d.info().alertType()).collect(Collectors.toList());
  }

  @Test
  void anEventMeetsOnlyTheDetectorsInterestedInItsVerbAndResource() {
    DetectorCatalogue catalogue =
        DetectorCatalogue.of(
            List.of(
                detector("VIGIL_Any", Interest.any()),
                detector("VIGIL_PodWrites", Interest.of(Set.of("create", "patch"), Set.of("pods"))),
                detector("VIGIL_AllDeletes", Interest.of(Set.of("delete"), Set.of())),
                detector("VIGIL_SecretsAnyVerb", Interest.of(Set.of(), Set.of("secrets")))));
    DetectorIndex index = catalogue.index();

    assertThat(types(index.candidates("create", "pods"))).containsExactly("VIGIL_Any", "VIGIL_PodWrites");
    assertThat(types(index.candidates("list", "pods"))).containsExactly("VIGIL_Any");
    assertThat(types(index.candidates("delete", "pods"))).containsExactly("VIGIL_Any", "VIGIL_AllDeletes");
    assertThat(types(index.candidates("get", "secrets")))
        .containsExactly("VIGIL_Any", "VIGIL_SecretsAnyVerb");
    assertThat(types(index.candidates("delete", "secrets")))
        .containsExactly("VIGIL_Any", "VIGIL_AllDeletes", "VIGIL_SecretsAnyVerb");
    assertThat(types(index.candidates("get", null))).containsExactly("VIGIL_Any");
    assertThat(types(index.candidates(null, null))).containsExactly("VIGIL_Any");
  }

  @Test
  void theBuiltInCatalogueIsIndexed() {
    DetectorCatalogue catalogue =
        DetectorCatalogue.builtIn(DetectionConfig.defaults(new SimpleMeterRegistry()));
    List<String> builtIn = new ArrayList<>();
    for (Detector detector : DetectorCatalogue.builtInDetectors(DetectionRules.defaults())) {
      builtIn.add(detector.info().alertType());
    }
    builtIn.removeAll(DetectionRules.OPT_IN_TYPES);
    assertThat(List.copyOf(catalogue.alertTypes())).isEqualTo(builtIn);
    List<String> anyRequest =
        List.of(
            "K8S_TestAlert",
            "K8S_PenTestToolsKubeHunter",
            "VIGIL_ImpersonationPrivileged",
            "VIGIL_AnonymousRequestAllowed",
            "VIGIL_SystemPrincipalFromPublicIP");
    assertThat(types(catalogue.index().candidates("watch", "configmaps")))
        .containsExactly(
            "K8S_TestAlert",
            "K8S_PenTestToolsKubeHunter",
            "VIGIL_ImpersonationPrivileged",
            "VIGIL_AnonymousRequestAllowed",
            "VIGIL_SystemPrincipalFromPublicIP",
            "VIGIL_ClusterConnectSecretAccess");
    assertThat(types(catalogue.index().candidates("watch", "events")))
        .containsExactlyElementsOf(anyRequest);
    assertThat(types(catalogue.index().candidates("create", "cronjobs")))
        .containsExactly(
            "K8S_TestAlert",
            "K8S_PrivilegedContainer",
            "K8S_SensitiveMount",
            "VIGIL_HostNamespacePod",
            "VIGIL_DangerousCapabilities",
            "VIGIL_PodInKubeNamespace",
            "K8S_MaliciousContainerImage",
            "K8S_PenTestToolsKubeHunter",
            "VIGIL_CronJobModified",
            "VIGIL_ImpersonationPrivileged",
            "VIGIL_AnonymousRequestAllowed",
            "VIGIL_SensitiveRequestRefused",
            "VIGIL_SystemPrincipalFromPublicIP");
    assertThat(types(catalogue.index().candidates("patch", "rolebindings")))
        .containsExactly(
            "K8S_TestAlert",
            "K8S_PenTestToolsKubeHunter",
            "K8S_ClusterAdminBinding",
            "VIGIL_ImpersonationPrivileged",
            "VIGIL_AnonymousRequestAllowed",
            "VIGIL_SensitiveRequestRefused",
            "VIGIL_SystemPrincipalFromPublicIP");
    assertThat(catalogue.get("K8S_SensitiveMount")).isPresent();
    assertThat(catalogue.get("VIGIL_DisallowedUser")).as("opt-in, off by default").isEmpty();
    assertThat(catalogue.get("K8S_Nothing")).isEmpty();
  }

  @Test
  void aStatefulRuleCannotRaiseTheTypeOfADetectorOrOfAnotherRule() {
    StatefulRule rule = statefulRule("VIGIL_X");
    assertThatThrownBy(
            () -> DetectorCatalogue.of(List.of(detector("VIGIL_X", Interest.any())), List.of(rule)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VIGIL_X");
    assertThatThrownBy(() -> DetectorCatalogue.of(List.of(), List.of(rule, statefulRule("VIGIL_X"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VIGIL_X");
    assertThat(
            DetectorCatalogue.of(List.of(detector("VIGIL_Y", Interest.any())), List.of(rule))
                .statefulRules())
        .containsExactly(rule);
  }

  @Test
  void theBuiltInCatalogueRegistersTheStatefulRules() {
    DetectorCatalogue catalogue =
        DetectorCatalogue.builtIn(DetectionConfig.defaults(new SimpleMeterRegistry()));
    assertThat(catalogue.statefulRules())
        .extracting(rule -> rule.info().alertType())
        .containsExactly(
            "VIGIL_ForbiddenBurst",
            "VIGIL_SecretEnumeration",
            "VIGIL_DiscoveryBurst",
            "VIGIL_RbacThenWorkload",
            "K8S_ServiceAccountRareOperation",
            "K8S_AnomalousSecretAccess",
            "K8S_KubeSystemContainer")
        .doesNotContainAnyElementsOf(catalogue.alertTypes());
  }

  @Test
  void twoDetectorsCannotRaiseTheSameType() {
    assertThatThrownBy(
            () ->
                DetectorCatalogue.of(
                    List.of(detector("VIGIL_X", Interest.any()), detector("VIGIL_X", Interest.any()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VIGIL_X");
  }
}
