package dev.vigil.detection.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.Finding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A change in the rules dir is picked up while the topology runs, and its state survives the swap. */
class SigmaReloadTest {

  private static final String EXEC_RULE = """
      title: Exec into a pod
      id: exec-rule
      level: medium
      logsource: {product: kubernetes, service: audit}
      detection:
        selection: {verb: create, objectRef.subresource: exec}
        condition: selection
      """;

  private static final String SECRETS_RULE = """
      title: Secrets listed
      id: secrets-rule
      level: low
      logsource: {product: kubernetes, service: audit}
      detection:
        selection: {verb: list, objectRef.resource: secrets}
        condition: selection
      """;

  private static String exec(String stage) {
    return """
        {"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"exec-1","stage":"%s","verb":"create",
         "requestURI":"/api/v1/namespaces/default/pods/web/exec?command=sh","user":{"username":"alice"},
         "objectRef":{"resource":"pods","namespace":"default","name":"web","subresource":"exec"},
         "responseStatus":{"code":101},"stageTimestamp":"2024-05-01T10:00:00Z"}
        """.formatted(stage);
  }

  private static final String LIST_SECRETS = """
      {"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"list-1","stage":"ResponseComplete","verb":"list",
       "requestURI":"/api/v1/namespaces/default/secrets","user":{"username":"alice"},
       "objectRef":{"resource":"secrets","namespace":"default"},
       "responseStatus":{"code":200},"stageTimestamp":"2024-05-01T10:00:01Z"}
      """;

  @TempDir Path rules;
  @TempDir Path stateDir;

  @Test
  void aNewRuleFileIsPickedUpWithoutRestartAndTheStageStoreSurvives() throws Exception {
    Files.writeString(rules.resolve("exec.yml"), EXEC_RULE);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SigmaConfig config = new SigmaConfig(rules, false, false);
    try (SigmaCatalogue catalogue = SigmaCatalogue.load(List.of(), config, registry);
        SigmaHarness harness = new SigmaHarness(stateDir, catalogue)) {
      catalogue.startWatching();

      harness.send(exec("ResponseStarted"));
      assertThat(types(harness.findings())).containsExactly("SIGMA_exec-rule");
      harness.send(LIST_SECRETS);
      assertThat(harness.findings()).isEmpty();

      Files.writeString(rules.resolve("secrets.yml"), SECRETS_RULE);
      await(() -> catalogue.ruleAlertTypes().contains("SIGMA_secrets-rule"));

      // The stage-dedup store still remembers the exec session: its end is not a second finding.
      harness.send(exec("ResponseComplete"));
      assertThat(harness.findings()).isEmpty();
      harness.send(LIST_SECRETS);
      assertThat(types(harness.findings())).containsExactly("SIGMA_secrets-rule");

      // A broken save keeps the running rules (strict mode) and is counted.
      Files.writeString(rules.resolve("secrets.yml"), SECRETS_RULE.replace("objectRef.resource", "objectRef.resorce"));
      await(() -> registry.get(SigmaCatalogue.RELOADS).tag("result", "rejected").counter().count() >= 1);
      assertThat(catalogue.ruleAlertTypes()).containsExactly("SIGMA_exec-rule", "SIGMA_secrets-rule");

      Files.delete(rules.resolve("secrets.yml"));
      await(() -> !catalogue.ruleAlertTypes().contains("SIGMA_secrets-rule"));
      harness.send(LIST_SECRETS);
      assertThat(harness.findings()).isEmpty();
    }
  }

  private static List<String> types(List<Finding> findings) {
    return findings.stream().map(Finding::alertType).toList();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("timed out waiting for the rules to reload").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
