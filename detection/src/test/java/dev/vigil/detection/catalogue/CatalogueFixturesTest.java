package dev.vigil.detection.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.stateful.StatefulConfig;
import dev.vigil.detection.stateful.StatefulRule;
import dev.vigil.detection.streams.TopologyHarness;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.testing.SchemaAssertions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Every rule of the catalogue ships with evidence, each run through the real topology: a single-event
 * detector at least one {@code fires-*.json} and one {@code quiet-*.json} under {@code
 * fixtures/<alertType>/} (one event each); a stateful rule at least one {@code fires-*.jsonl} and one
 * {@code quiet-*.jsonl} under {@code stateful-fixtures/<alertType>/} (one event per line, in event
 * time, each file a story told to an empty topology).
 */
class CatalogueFixturesTest {

  /** Past the stateful punctuation interval, so that an opened burst is reported. */
  private static final Duration AFTER_PUNCTUATION = Duration.ofSeconds(2);

  @TempDir Path stateDir;

  @Test
  void everyDetectorHasFixturesThatFireAndStayQuietThroughTheTopology() throws Exception {
    Path root = TopologyHarness.fixturesRoot();
    Path statefulRoot = TopologyHarness.statefulFixturesRoot();
    DetectionRules rules = TopologyHarness.allTypesRules();
    StatefulConfig stateful =
        StatefulConfig.defaults()
            .withThreatIntelFiles(List.of(statefulRoot.resolve("threat-intel.txt")));
    DetectorCatalogue catalogue =
        DetectorCatalogue.builtIn(
            DetectionConfig.defaults(new SimpleMeterRegistry())
                .withRules(rules)
                .withStateful(stateful));
    assertThat(catalogue.alertTypes())
        .as("the test configuration switches every built-in detector on")
        .containsExactlyInAnyOrderElementsOf(
            DetectorCatalogue.builtInDetectors(rules).stream()
                .map(d -> d.info().alertType())
                .collect(Collectors.toList()));
    Set<String> statefulTypes =
        catalogue.statefulRules().stream()
            .map(rule -> rule.info().alertType())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(statefulTypes)
        .as("the test configuration has threat intelligence, so every stateful rule runs")
        .contains("K8S_TI_Proxy");
    List<String> failures = new ArrayList<>();
    int runs = 0;

    for (String type : catalogue.alertTypes()) {
      Path dir = root.resolve(type);
      List<Path> fires = fixtures(dir, "fires-", ".json");
      List<Path> quiet = fixtures(dir, "quiet-", ".json");
      if (fires.isEmpty()) {
        failures.add(type + ": no fixtures/" + type + "/fires-*.json");
      }
      if (quiet.isEmpty()) {
        failures.add(type + ": no fixtures/" + type + "/quiet-*.json");
      }
      try (TopologyHarness harness = new TopologyHarness(stateDir.resolve(type), rules)) {
        for (Path fixture : fires) {
          harness.send(Files.readString(fixture));
          check(type, fixture, true, ofType(harness.findings(), type), failures);
          runs++;
        }
        for (Path fixture : quiet) {
          harness.send(Files.readString(fixture));
          check(type, fixture, false, ofType(harness.findings(), type), failures);
          runs++;
        }
        assertThat(harness.dlq()).as("fixtures of " + type + " must all be valid events").isEmpty();
      }
    }

    for (StatefulRule rule : catalogue.statefulRules()) {
      String type = rule.info().alertType();
      Path dir = statefulRoot.resolve(type);
      List<Path> fires = fixtures(dir, "fires-", ".jsonl");
      List<Path> quiet = fixtures(dir, "quiet-", ".jsonl");
      if (fires.isEmpty()) {
        failures.add(type + ": no stateful-fixtures/" + type + "/fires-*.jsonl");
      }
      if (quiet.isEmpty()) {
        failures.add(type + ": no stateful-fixtures/" + type + "/quiet-*.jsonl");
      }
      for (Path fixture : fires) {
        check(type, fixture, true, story(fixture, rules, stateful, type), failures);
        runs++;
      }
      for (Path fixture : quiet) {
        check(type, fixture, false, story(fixture, rules, stateful, type), failures);
        runs++;
      }
    }

    assertThat(orphans(root, catalogue.alertTypes(), Set.of()))
        .as("fixture folders without a registered detector")
        .isEmpty();
    assertThat(orphans(statefulRoot, statefulTypes, Set.of("threat-intel.txt")))
        .as("stateful fixture folders without a registered rule")
        .isEmpty();
    assertThat(failures).isEmpty();
    assertThat(runs)
        .isGreaterThanOrEqualTo(2 * (catalogue.alertTypes().size() + statefulTypes.size()));
  }

  /** A must-fire fixture gave valid findings of its type, a must-stay-quiet one none. */
  private static void check(
      String type, Path fixture, boolean fires, List<Finding> own, List<String> failures) {
    if (fires && own.isEmpty()) {
      failures.add(type + "/" + fixture.getFileName() + ": expected a finding, got none");
    }
    if (!fires && !own.isEmpty()) {
      failures.add(
          type + "/" + fixture.getFileName() + ": expected no finding, got "
              + own.get(0).description());
    }
    for (Finding finding : own) {
      SchemaAssertions.assertValid(SchemaAssertions.FINDING, finding);
    }
  }

  /** The findings of {@code type} when the events of {@code fixture} meet an empty topology. */
  private List<Finding> story(Path fixture, DetectionRules rules, StatefulConfig stateful, String type)
      throws IOException {
    Path dir = stateDir.resolve(type + "-" + fixture.getFileName());
    try (TopologyHarness harness = new TopologyHarness(dir, rules, stateful)) {
      for (String line : Files.readAllLines(fixture)) {
        if (!line.isBlank()) {
          harness.send(line);
        }
      }
      harness.advanceWallClock(AFTER_PUNCTUATION);
      assertThat(harness.dlq()).as(fixture + " must hold only valid events").isEmpty();
      return ofType(harness.findings(), type);
    }
  }

  private static Set<String> orphans(Path root, Set<String> types, Set<String> others)
      throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.map(p -> p.getFileName().toString())
          .filter(name -> !types.contains(name) && !others.contains(name))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static List<Finding> ofType(List<TestRecord<String, Finding>> records, String type) {
    return records.stream()
        .map(TestRecord::value)
        .filter(f -> f.alertType().equals(type))
        .collect(Collectors.toList());
  }

  private static List<Path> fixtures(Path dir, String prefix, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().endsWith(suffix))
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
