package dev.vigil.detection.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.sigma.ShadowModeTest;
import dev.vigil.detection.sigma.SigmaCatalogue;
import dev.vigil.detection.sigma.SigmaConfig;
import dev.vigil.schemas.VigilHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backtest engine without a broker: warm-up records feed state only, a shadow rule counts in
 * full, a window detector reports after the drain, and the live tally is compared per rule.
 */
class BacktestTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant FROM = T0.plusSeconds(3600);

  @TempDir Path rules;

  private static String event(String id, String user, String verb, int code, Instant at) {
    return """
        {"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"%s","stage":"ResponseComplete",
         "verb":"%s","requestURI":"/api/v1/namespaces/default/secrets","user":{"username":"%s"},
         "objectRef":{"resource":"secrets","namespace":"default"},
         "responseStatus":{"code":%d},"stageTimestamp":"%s"}
        """.formatted(id, verb, user, code, at);
  }

  private static void send(Backtest backtest, String user, String json, Instant at) {
    Headers headers = new RecordHeaders();
    headers.add(VigilHeaders.CLUSTER, "prod".getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.WORKSPACE, "default".getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.RECEIVED_MS, Long.toString(at.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
    backtest.accept("default/prod/" + user, json.getBytes(StandardCharsets.UTF_8), headers, at.toEpochMilli());
  }

  @Test
  void countsPerRuleFromTheWindowOnIncludingShadowRulesAndWindows() throws Exception {
    Files.writeString(rules.resolve("trial.yml"), ShadowModeTest.SHADOW_RULE);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DetectionConfig config = DetectionConfig.defaults(registry);
    DetectorCatalogue catalogue;
    try (SigmaCatalogue sigma = SigmaCatalogue.load(DetectorCatalogue.builtIn(config).all(),
        new SigmaConfig(rules, false, false), registry)) {
      catalogue = sigma.get();
    }
    BacktestReport report;
    try (Backtest backtest = Backtest.start(config, catalogue, FROM)) {
      send(backtest, "alice", event("warm-1", "alice", "list", 200, T0), T0);
      send(backtest, "alice", event("warm-2", "alice", "list", 200, T0.plusSeconds(1)), T0.plusSeconds(1));
      for (int i = 0; i < 15; i++) {
        Instant at = FROM.plusSeconds(10).plusMillis(i);
        send(backtest, "alice", event("in-" + i, "alice", "list", 200, at), at);
      }
      for (int i = 0; i < 12; i++) {
        Instant at = FROM.plusSeconds(20).plusMillis(i);
        send(backtest, "eve", event("deny-" + i, "eve", "get", 403, at), at);
      }
      report = backtest.finish(new FindingTally());
    }
    assertThat(report.records()).isEqualTo(29);
    RuleReport trial = report.rule("SIGMA_secrets-trial");
    assertThat(trial.shadow()).isTrue();
    assertThat(trial.candidate()).isTrue();
    assertThat(trial.backtest().findings()).as("warm-up excluded, no sampling").isEqualTo(15);
    assertThat(trial.backtest().alerts()).isEqualTo(1);
    assertThat(trial.difference()).isEqualTo(15);
    assertThat(report.rule("VIGIL_ForbiddenBurst").backtest().findings()).isEqualTo(1);
    assertThat(report.rule("K8S_TestAlert").backtest().findings()).isZero();
  }
}
