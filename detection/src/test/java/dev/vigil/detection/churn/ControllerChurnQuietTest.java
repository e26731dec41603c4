package dev.vigil.detection.churn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.streams.TopologyHarness;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Severity;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An hour of event time of a 30-node cluster's controller churn ({@link ControllerChurn}), through
 * the whole detection topology with the shipped defaults, stateful rules included and their
 * punctuators driven every second: no finding of severity Medium or above. The same churn without
 * the noise defaults ({@code well-known-principals.yaml}) does raise alerts, so the quiet is theirs.
 */
class ControllerChurnQuietTest {

  @TempDir Path stateDir;

  @Test
  void anHourOfControllerChurnRaisesNothingOfMediumSeverityOrAbove() {
    List<ControllerChurn.Event> churn =
        new ControllerChurn(21, TopologyHarness.START, 30).generate(Duration.ofHours(1));
    assertThat(churn.size()).as("cluster-like rates: about 10 requests a second").isGreaterThan(30_000);
    Map<String, Integer> byType = new TreeMap<>();
    List<String> raised = replay(churn, DetectionRules.defaults(), byType);
    assertThat(raised).as("findings by type: " + byType).isEmpty();
  }

  @Test
  void withoutTheNoiseDefaultsTheOperatorsSecretWatchesWouldBeAlerts() throws Exception {
    String shipped;
    try (InputStream in =
        DetectionRules.class.getResourceAsStream("detection-defaults.yaml")) {
      shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    DetectionRules withoutNoiseDefaults =
        DetectionRules.defaults()
            .overlay("bare.yaml", "inheritDefaults: false\n")
            .overlay("detection-defaults.yaml", shipped);
    List<ControllerChurn.Event> churn =
        new ControllerChurn(21, TopologyHarness.START, 30).generate(Duration.ofMinutes(15));
    List<String> raised = replay(churn, withoutNoiseDefaults, new TreeMap<>());
    assertThat(raised)
        .anyMatch(f -> f.startsWith("VIGIL_SecretAccessBySuspiciousClient")
            && f.contains("kube-state-metrics"))
        .anyMatch(f -> f.contains("argocd-application-controller"));
  }

  /** The findings of severity Medium or above, counting every finding by type in {@code byType}. */
  private List<String> replay(
      List<ControllerChurn.Event> churn, DetectionRules rules, Map<String, Integer> byType) {
    Instant start = TopologyHarness.START;
    List<String> raised = new ArrayList<>();
    try (TopologyHarness harness =
        new TopologyHarness(stateDir.resolve("run-" + churn.size()), rules)) {
      Instant wall = start;
      for (ControllerChurn.Event event : churn) {
        while (event.at().isAfter(wall.plusSeconds(1))) {
          wall = wall.plusSeconds(1);
          harness.advanceWallClock(Duration.ofSeconds(1));
        }
        harness.sendAt(event.at(), event.json());
      }
      harness.advanceWallClock(Duration.ofMinutes(2));
      for (TestRecord<String, Finding> record : harness.findings()) {
        Finding finding = record.value();
        byType.merge(finding.alertType() + " (" + finding.severity() + ")", 1, Integer::sum);
        if (finding.severity().compareTo(Severity.Medium) >= 0) {
          raised.add(finding.alertType() + " " + finding.severity() + ": " + finding.description());
        }
      }
      assertThat(harness.dlq()).as("every generated event is a valid audit event").isEmpty();
      assertThat(harness.events("processed")).isEqualTo(churn.size());
    }
    return raised;
  }
}
