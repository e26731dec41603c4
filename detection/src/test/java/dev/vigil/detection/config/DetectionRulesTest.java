package dev.vigil.detection.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.streams.TopologyHarness;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionRulesTest {

  @TempDir Path dir;

  private static DetectorCatalogue catalogue(DetectionRules rules) {
    return DetectorCatalogue.builtIn(
        DetectionConfig.defaults(new SimpleMeterRegistry()).withRules(rules));
  }

  @Test
  void theDefaultsShipFalcosListsAndKeepTheOptInTypesOff() {
    DetectionRules rules = DetectionRules.defaults();
    assertThat(rules.list(ListName.SENSITIVE_HOST_PATHS))
        .contains("/", "/etc", "/proc", "/root", "/var/run/docker.sock", "/var/lib/kubelet");
    assertThat(rules.list(ListName.MINER_IMAGES)).contains("xmrig");
    assertThat(rules.allowlist("K8S_PrivilegedContainer").trustsImage("calico/node:v3.27.0"))
        .isTrue();
    assertThat(rules.allowlist("K8S_PrivilegedContainer").trustsImage("nginx:1.25")).isFalse();
    assertThat(rules.allowlist("VIGIL_DisallowedUser").trustsUser("minikube-user")).isTrue();
    for (String type : DetectionRules.OPT_IN_TYPES) {
      assertThat(rules.enabled(type)).as(type).isFalse();
    }
    assertThat(rules.enabled("K8S_PrivilegedContainer")).isTrue();
    assertThat(catalogue(rules).alertTypes()).doesNotContainAnyElementsOf(DetectionRules.OPT_IN_TYPES);
  }

  @Test
  void aFileAppendsToTheDefaultListsAndOverridesEnabled() throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "trusted:",
            "  namespaces: [sandbox]",
            "alertTypes:",
            "  K8S_PrivilegedContainer:",
            "    trusted:",
            "      images: [registry.example.com/agents/]",
            "  VIGIL_NodePortService:",
            "    enabled: false",
            "lists:",
            "  minerImages: [evilminer]",
            ""));
    DetectionRules rules = DetectionRules.load(file);
    assertThat(rules.list(ListName.MINER_IMAGES)).contains("xmrig", "evilminer");
    Allowlist privileged = rules.allowlist("K8S_PrivilegedContainer");
    assertThat(privileged.trustsImage("registry.example.com/agents/probe:2")).isTrue();
    assertThat(privileged.trustsImage("calico/node")).as("defaults kept").isTrue();
    assertThat(privileged.trustsNamespace("sandbox")).as("global section applies").isTrue();
    assertThat(rules.enabled("VIGIL_NodePortService")).isFalse();
    assertThat(catalogue(rules).alertTypes()).doesNotContain("VIGIL_NodePortService");
    assertThat(rules.sources())
        .containsExactly("well-known-principals.yaml", "detection-defaults.yaml", file.toString());
  }

  @Test
  void trustedEntriesForAnOptInTypeSwitchItOnUnlessDisabled() {
    DetectionRules on =
        DetectionRules.defaults()
            .overlay(
                "t.yaml",
                "alertTypes:\n  VIGIL_DisallowedImage:\n    trusted:\n      images: [registry.example.com/]\n");
    assertThat(on.enabled("VIGIL_DisallowedImage")).isTrue();
    DetectionRules off =
        DetectionRules.defaults()
            .overlay(
                "t.yaml",
                "alertTypes:\n  VIGIL_DisallowedImage:\n    enabled: false\n    trusted:\n"
                    + "      images: [registry.example.com/]\n");
    assertThat(off.enabled("VIGIL_DisallowedImage")).isFalse();
  }

  @Test
  void inheritDefaultsFalseStartsFromNothing() {
    DetectionRules rules =
        DetectionRules.defaults()
            .overlay("t.yaml", "inheritDefaults: false\nlists:\n  minerImages: [only-this]\n");
    assertThat(rules.list(ListName.MINER_IMAGES)).containsExactly("only-this");
    assertThat(rules.list(ListName.SENSITIVE_HOST_PATHS)).isEmpty();
    assertThat(rules.allowlist("K8S_PrivilegedContainer").trustsImage("calico/node")).isFalse();
    assertThat(rules.enabled("VIGIL_DisallowedUser")).as("opt-in types stay off").isFalse();
  }

  @Test
  void anUnknownKeyIsAnErrorNamingTheKeyAndItsLine() throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(
        file,
        "alertTypes:\n  K8S_PrivilegedContainer:\n    trusted:\n      image: [nginx]\n");
    assertThatThrownBy(() -> DetectionRules.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("line 4")
        .hasMessageContaining("unknown key \"image\"")
        .hasMessageContaining("images");
  }

  @Test
  void anUnknownTopLevelKeyOrListIsAnError() {
    assertThatThrownBy(() -> DetectionRules.defaults().overlay("a.yaml", "# c\ntrusts:\n  users: []\n"))
        .hasMessageContaining("a.yaml, line 2")
        .hasMessageContaining("unknown key \"trusts\"");
    assertThatThrownBy(
            () -> DetectionRules.defaults().overlay("b.yaml", "lists:\n  minerImage: [x]\n"))
        .hasMessageContaining("b.yaml, line 2")
        .hasMessageContaining("minerImage");
  }

  @Test
  void anUnknownAlertTypeFailsAtStartUpWithItsLine() {
    DetectionRules rules =
        DetectionRules.defaults()
            .overlay("c.yaml", "alertTypes:\n\n  K8S_PrivilegedContainr:\n    enabled: false\n");
    assertThatThrownBy(() -> catalogue(rules))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("c.yaml, line 3")
        .hasMessageContaining("unknown alert type \"K8S_PrivilegedContainr\"");
  }

  @Test
  void aMissingFileABlankEntryAndABadPatternAreClearErrors() {
    assertThatThrownBy(() -> DetectionRules.load(dir.resolve("nope.yaml")))
        .hasMessageContaining("nope.yaml does not exist");
    assertThatThrownBy(
            () -> DetectionRules.defaults().overlay("d.yaml", "lists:\n  minerImages: ['  ']\n"))
        .hasMessageContaining("lists.minerImages has an empty entry");
    DetectionRules badRegex =
        DetectionRules.defaults().overlay("e.yaml", "lists:\n  suspiciousCommands: ['(unclosed']\n");
    assertThatThrownBy(() -> catalogue(badRegex))
        .hasMessageContaining("suspiciousCommands")
        .hasMessageContaining("(unclosed");
    assertThatThrownBy(() -> DetectionRules.defaults().overlay("f.yaml", "lists: [a, b\n"))
        .hasMessageContaining("f.yaml");
  }

  @Test
  void aTrustedUserSilencesOnlyItsAlertType() throws Exception {
    AuditEvent exec = fixture("VIGIL_ExecIntoPod", "fires-exec-started.json");
    AuditEvent portForward = fixture("VIGIL_PortForward", "fires-port-forward.json");
    assertThat(catalogue(DetectionRules.defaults()).get("VIGIL_ExecIntoPod").orElseThrow()
            .inspect(exec))
        .hasSize(1);
    DetectionRules rules =
        DetectionRules.defaults()
            .overlay(
                "g.yaml",
                "alertTypes:\n  VIGIL_ExecIntoPod:\n    trusted:\n      users: [alice@example.com]\n");
    DetectorCatalogue catalogue = catalogue(rules);
    assertThat(catalogue.get("VIGIL_ExecIntoPod").orElseThrow().inspect(exec)).isEmpty();
    assertThat(catalogue.get("VIGIL_PortForward").orElseThrow().inspect(portForward)).hasSize(1);
  }

  private static AuditEvent fixture(String type, String file) throws Exception {
    Path path = TopologyHarness.fixturesRoot().resolve(type).resolve(file);
    return Json.mapper().readValue(Files.readString(path), AuditEvent.class);
  }
}
