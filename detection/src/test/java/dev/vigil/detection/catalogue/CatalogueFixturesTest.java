package dev.vigil.detection.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.streams.TopologyHarness;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.testing.SchemaAssertions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registered detector ships with evidence: at least one {@code fires-*.json} and one {@code
 * quiet-*.json} under {@code fixtures/<alertType>/}, each run through the real topology.
 */
class CatalogueFixturesTest {

  @TempDir Path stateDir;

  @Test
  void everyDetectorHasFixturesThatFireAndStayQuietThroughTheTopology() throws Exception {
    Path root = TopologyHarness.fixturesRoot();
    DetectionRules rules = TopologyHarness.allTypesRules();
    DetectorCatalogue catalogue =
        DetectorCatalogue.builtIn(
            DetectionConfig.defaults(new SimpleMeterRegistry()).withRules(rules));
    assertThat(catalogue.alertTypes())
        .as("the test configuration switches every built-in detector on")
        .containsExactlyInAnyOrderElementsOf(
            DetectorCatalogue.builtInDetectors(rules).stream()
                .map(d -> d.info().alertType())
                .collect(Collectors.toList()));
    List<String> failures = new ArrayList<>();
    int runs = 0;

    for (String type : catalogue.alertTypes()) {
      Path dir = root.resolve(type);
      List<Path> fires = fixtures(dir, "fires-");
      List<Path> quiet = fixtures(dir, "quiet-");
      if (fires.isEmpty()) {
        failures.add(type + ": no fixtures/" + type + "/fires-*.json");
      }
      if (quiet.isEmpty()) {
        failures.add(type + ": no fixtures/" + type + "/quiet-*.json");
      }
      try (TopologyHarness harness = new TopologyHarness(stateDir.resolve(type), rules)) {
        for (Path fixture : fires) {
          harness.send(Files.readString(fixture));
          List<Finding> own = ofType(harness.findings(), type);
          runs++;
          if (own.isEmpty()) {
            failures.add(type + "/" + fixture.getFileName() + ": expected a finding, got none");
          }
          for (Finding finding : own) {
            SchemaAssertions.assertValid(SchemaAssertions.FINDING, finding);
          }
        }
        for (Path fixture : quiet) {
          harness.send(Files.readString(fixture));
          List<Finding> own = ofType(harness.findings(), type);
          runs++;
          if (!own.isEmpty()) {
            failures.add(
                type + "/" + fixture.getFileName() + ": expected no finding, got "
                    + own.get(0).description());
          }
        }
        assertThat(harness.dlq()).as("fixtures of " + type + " must all be valid events").isEmpty();
      }
    }

    Set<String> orphans = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.map(p -> p.getFileName().toString())
          .filter(name -> !catalogue.alertTypes().contains(name))
          .forEach(orphans::add);
    }
    assertThat(orphans).as("fixture folders without a registered detector").isEmpty();
    assertThat(failures).isEmpty();
    assertThat(runs).isGreaterThanOrEqualTo(2 * catalogue.alertTypes().size());
  }

  private static List<Finding> ofType(List<TestRecord<String, Finding>> records, String type) {
    return records.stream()
        .map(TestRecord::value)
        .filter(f -> f.alertType().equals(type))
        .collect(Collectors.toList());
  }

  private static List<Path> fixtures(Path dir, String prefix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
