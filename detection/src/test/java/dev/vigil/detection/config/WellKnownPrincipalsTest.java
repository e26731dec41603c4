package dev.vigil.detection.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.WellKnownPrincipals.Principal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WellKnownPrincipalsTest {

  @Test
  void everyEntryIsARowOfNoiseMdWithItsAccountsAndTypes() throws Exception {
    List<String> rows =
        Files.readAllLines(Path.of("NOISE.md"), StandardCharsets.UTF_8).stream()
            .filter(line -> line.startsWith("| ") && !line.startsWith("| principal "))
            .toList();
    List<Principal> shipped = WellKnownPrincipals.shipped();
    assertThat(rows).hasSameSizeAs(shipped);
    for (int i = 0; i < shipped.size(); i++) {
      Principal principal = shipped.get(i);
      List<String> expected = new ArrayList<>();
      principal.users().forEach(u -> expected.add("`" + u + "`"));
      principal.groups().forEach(g -> expected.add("group `" + g + "`"));
      principal.alertTypes().forEach(t -> expected.add("`" + t + "`"));
      assertThat(rows.get(i)).startsWith("| " + principal.name() + " |").contains(expected);
    }
  }

  @Test
  void everyNamedAlertTypeIsABuiltInDetector() {
    DetectorCatalogue catalogue =
        DetectorCatalogue.builtIn(DetectionConfig.defaults(new SimpleMeterRegistry()));
    for (Principal principal : WellKnownPrincipals.shipped()) {
      assertThat(catalogue.alertTypes()).as(principal.name()).containsAll(principal.alertTypes());
    }
  }

  @Test
  void aPrincipalIsTrustedForItsTypesOnly() {
    DetectionRules rules = DetectionRules.defaults();
    String ksm = "system:serviceaccount:monitoring:kube-state-metrics";
    assertThat(rules.allowlist("VIGIL_SecretAccessBySuspiciousClient").trustsUser(ksm)).isTrue();
    assertThat(rules.allowlist("VIGIL_ExecIntoPod").trustsUser(ksm)).isFalse();
    assertThat(rules.allowlist("VIGIL_SecretAccessBySuspiciousClient")
            .trustsUser("system:serviceaccount:attacker:kube-state-metrics"))
        .as("named in the namespaces charts install into, not by account name alone")
        .isFalse();
    assertThat(rules.allowlist("VIGIL_CronJobModified")
            .trustsGroup("system:serviceaccounts:flux-system")).isTrue();
    assertThat(rules.allowlist("VIGIL_CronJobModified")
            .trustsUser("system:serviceaccount:argocd:argocd-application-controller")).isTrue();
    assertThat(rules.allowlist("K8S_AdmissionController")
            .trustsUser("system:serviceaccount:cert-manager:cert-manager-cainjector")).isTrue();
  }

  @Test
  void aConfigThatDropsTheDefaultsDropsTheNoiseDefaultsToo() {
    DetectionRules bare = DetectionRules.defaults().overlay("bare.yaml", "inheritDefaults: false\n");
    assertThat(bare.allowlist("VIGIL_SecretAccessBySuspiciousClient")
            .trustsUser("system:serviceaccount:monitoring:kube-state-metrics")).isFalse();
  }
}
