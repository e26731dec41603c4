package dev.vigil.detection.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.Finding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Sigma rule with {@code shadow: true} is evaluated live, counted and sampled, never a finding. */
public class ShadowModeTest {

  /** A rule in shadow mode: every successful secret listing (the backtest's test uses it too). */
  public static final String SHADOW_RULE = """
      title: Secrets listed (trial)
      id: secrets-trial
      level: high
      shadow: true
      logsource: {product: kubernetes, service: audit}
      detection:
        selection: {verb: list, objectRef.resource: secrets}
        condition: selection
      """;

  private static final String LIVE_RULE = """
      title: Secrets listed
      id: secrets-live
      level: low
      logsource: {product: kubernetes, service: audit}
      detection:
        selection: {verb: list, objectRef.resource: secrets}
        condition: selection
      """;

  private static String listSecrets(int i) {
    return """
        {"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"list-%d","stage":"ResponseComplete",
         "verb":"list","requestURI":"/api/v1/namespaces/default/secrets","user":{"username":"alice"},
         "objectRef":{"resource":"secrets","namespace":"default"},
         "responseStatus":{"code":200},"stageTimestamp":"2024-05-01T10:00:01Z"}
        """.formatted(i);
  }

  @TempDir Path rules;
  @TempDir Path stateDir;

  @Test
  void shadowFindingsAreCountedAndSampledButNeverReachTheFindingsTopic() throws Exception {
    Files.writeString(rules.resolve("trial.yml"), SHADOW_RULE);
    Files.writeString(rules.resolve("live.yml"), LIVE_RULE);
    try (SigmaCatalogue catalogue = SigmaCatalogue.load(List.of(), new SigmaConfig(rules, false, false),
            new SimpleMeterRegistry());
        SigmaHarness harness = new SigmaHarness(stateDir, catalogue)) {
      for (int i = 0; i < 15; i++) {
        harness.send(listSecrets(i));
      }
      assertThat(harness.findings()).extracting(Finding::alertType)
          .hasSize(15).containsOnly("SIGMA_secrets-live");
      // 15 events within one wall-clock minute: 10 sampled, all 15 counted.
      assertThat(harness.shadowFindings()).hasSize(10)
          .allSatisfy(f -> assertThat(f.alertType()).isEqualTo("SIGMA_secrets-trial"));
      assertThat(harness.registry.get("vigil.findings.shadow").tag("type", "SIGMA_secrets-trial")
          .counter().count()).isEqualTo(15);
    }
  }

  @Test
  void shadowMustBeTrueOrFalse() throws Exception {
    Files.writeString(rules.resolve("trial.yml"), SHADOW_RULE.replace("shadow: true", "shadow: maybe"));
    assertThatThrownBy(() -> SigmaCatalogue.load(List.of(), new SigmaConfig(rules, false, false),
        new SimpleMeterRegistry()))
        .isInstanceOf(RuleLoadException.class)
        .hasMessageContaining("trial.yml").hasMessageContaining("shadow must be true or false");
  }
}
