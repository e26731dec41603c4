package dev.vigil.detection.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.rules.stateful.StatefulRules;
import dev.vigil.detection.stateful.StatefulConfig;
import dev.vigil.detection.stateful.StatefulRule;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.streams.TopologyHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code detection/COVERAGE.md} has one row for every built-in alert type, and no other. */
class CoverageDocumentTest {

  @Test
  void everyBuiltInTypeHasExactlyOneRowInCoverageMd() throws Exception {
    Set<String> types = new TreeSet<>();
    for (Detector detector : DetectorCatalogue.builtInDetectors(DetectionRules.defaults())) {
      types.add(detector.info().alertType());
    }
    StatefulConfig withThreatIntel =
        StatefulConfig.defaults()
            .withThreatIntelFiles(
                List.of(TopologyHarness.statefulFixturesRoot().resolve("threat-intel.txt")));
    for (StatefulRule rule : StatefulRules.builtIn(withThreatIntel)) {
      types.add(rule.info().alertType());
    }
    List<String> rows =
        Files.readAllLines(Path.of("COVERAGE.md"), StandardCharsets.UTF_8).stream()
            .filter(line -> line.startsWith("| `K8S_") || line.startsWith("| `VIGIL_"))
            .map(line -> line.substring(3, line.indexOf('`', 3)))
            .collect(Collectors.toList());
    assertThat(rows).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(types);
  }
}
