package dev.vigil.detection.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.testing.Corpus;
import dev.vigil.schemas.testing.SchemaAssertions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SigmaHQ Kubernetes audit rule of {@code testdata/sigma-kubernetes-audit} loads, or fails with the error its own
 * fault deserves; every loaded rule (and every shipped rule) fires on its {@code fires-*.json}
 * fixture and stays quiet on its {@code quiet-*.json} fixture, through the real topology.
 */
class SigmaCorpusTest {

  static final String COMPILER = "kubernetes_audit_compiler_execution_in_container.yml";
  static final String POTENTIAL_ENUMERATION = "kubernetes_audit_potential_enumeration_activity.yml";
  static final String SUSPICIOUS_ENUMERATION = "kubernetes_audit_suspicious_enumeration_or_attack.yml";

  /** The corpus rules that are faulty for raw audit events, and exactly why. */
  static final List<String> EXPECTED_ERRORS =
      List.of(
          COMPILER + ":20: rule e6dc178a-a6f8-40b6-9244-8ecdb2845ff8: UNKNOWN_FIELD: unknown field"
              + " \"file_path\": it is not a field of a Kubernetes audit event. Use an event path (verb,"
              + " requestURI, user.username, objectRef.resource, responseStatus.code, ...),"
              + " annotations.<key>, requestObject.<path> or responseObject.<path>, or a short name"
              + " (apiGroup, resource, subresource, namespace, username, groups, hostPath,"
              + " capabilities, privileged, image, hostNetwork, hostPID, hostIPC); see"
              + " detection/RULES.md",
          POTENTIAL_ENUMERATION + ":63: rule 597a7e84-187d-458b-9e4f-2f5a0e676711: TYPE_MISMATCH:"
              + " \"ALLOW\" can never equal responseStatus.code, an integer HTTP status code such as"
              + " 200 or 403; the authorizer's decision is in"
              + " annotations.authorization.k8s.io/decision (allow or forbid)",
          SUSPICIOUS_ENUMERATION + ":34: rule 597a7e84-187d-458b-9e4f-2f5a0e676711: TYPE_MISMATCH:"
              + " \"ALLOW\" can never equal responseStatus.code, an integer HTTP status code such as"
              + " 200 or 403; the authorizer's decision is in"
              + " annotations.authorization.k8s.io/decision (allow or forbid)",
          SUSPICIOUS_ENUMERATION + ":2: rule 597a7e84-187d-458b-9e4f-2f5a0e676711: DUPLICATE_ID: the"
              + " id is already used by " + POTENTIAL_ENUMERATION + ": both would raise alert type"
              + " SIGMA_597a7e84-187d-458b-9e4f-2f5a0e676711; give this rule its own id or remove one"
              + " file");

  @TempDir Path stateDir;

  @Test
  void everyCorpusRuleLoadsOrFailsWithItsExpectedError() throws IOException {
    SigmaRuleLoader.Loaded loaded =
        SigmaRuleLoader.load(corpus().withLenient(true).withShippedRules(false));

    assertThat(relative(loaded.errors())).containsExactlyElementsOf(EXPECTED_ERRORS);
    Set<String> expectedRules = new TreeSet<>(corpusFiles());
    expectedRules.removeAll(Set.of(COMPILER, POTENTIAL_ENUMERATION, SUSPICIOUS_ENUMERATION));
    List<String> loadedFiles =
        loaded.rules().stream().map(SigmaRule::file).sorted().collect(Collectors.toList());
    assertThat(loadedFiles)
        .containsExactlyElementsOf(expectedRules)
        .hasSize(15);
    assertThat(loaded.foreign()).isZero();
  }

  @Test
  void aStrictLoadOfTheCorpusStopsWithEveryErrorListed() {
    assertThatThrownBy(() -> SigmaCatalogue.load(List.of(), corpus(), new SimpleMeterRegistry()))
        .isInstanceOfSatisfying(RuleLoadException.class, e -> {
          assertThat(relative(e.errors())).containsExactlyElementsOf(EXPECTED_ERRORS);
          assertThat(e.getMessage())
              .startsWith("4 errors in Sigma rules (fix them, remove the files, or start with"
                  + " --rules-lenient to skip invalid rules):")
              .contains(COMPILER + ":20: rule e6dc178a-a6f8-40b6-9244-8ecdb2845ff8: UNKNOWN_FIELD");
        });
  }

  @Test
  void aLenientLoadSkipsTheInvalidFilesAndCountsThem() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (SigmaCatalogue catalogue = SigmaCatalogue.load(List.of(), corpus().withLenient(true), registry)) {
      assertThat(catalogue.ruleAlertTypes()).hasSize(15 + SigmaRuleLoader.shippedNames().size());
      assertThat(registry.get(SigmaCatalogue.SKIPPED).counter().count()).isEqualTo(3);
      assertThat(registry.get(SigmaCatalogue.RULES).gauge().value()).isEqualTo(18);
    }
  }

  @Test
  void everyLoadedRuleFiresOnItsFixtureAndStaysQuietOnTheOtherThroughTheTopology() throws Exception {
    DetectorCatalogue builtIn = DetectorCatalogue.builtIn(DetectionConfig.defaults(new SimpleMeterRegistry()));
    SigmaCatalogue catalogue = SigmaCatalogue.load(builtIn.all(), corpus().withLenient(true), new SimpleMeterRegistry());
    SigmaRuleLoader.Loaded loaded = SigmaRuleLoader.load(corpus().withLenient(true));
    Path root = fixturesRoot();
    List<String> failures = new ArrayList<>();
    Set<String> stems = new TreeSet<>();
    int runs = 0;
    try (SigmaHarness harness = new SigmaHarness(stateDir, catalogue)) {
      for (SigmaRule rule : loaded.rules()) {
        String stem = rule.file().replaceFirst("\\.ya?ml$", "");
        stems.add(stem);
        String type = rule.info().alertType();
        List<Path> fires = fixtures(root.resolve(stem), "fires-");
        List<Path> quiet = fixtures(root.resolve(stem), "quiet-");
        if (fires.isEmpty() || quiet.isEmpty()) {
          failures.add(stem + ": needs fires-*.json and quiet-*.json under sigma-fixtures/" + stem);
        }
        for (Path fixture : fires) {
          harness.send(Files.readString(fixture));
          runs++;
          List<Finding> own = ofType(harness.findings(), type);
          if (own.size() != 1) {
            failures.add(stem + "/" + fixture.getFileName() + ": expected one " + type + ", got " + own.size());
            continue;
          }
          Finding finding = own.get(0);
          SchemaAssertions.assertValid(SchemaAssertions.FINDING, finding);
          assertThat(finding.displayName()).isEqualTo(rule.title());
          assertThat(finding.extendedProperties())
              .containsEntry(SigmaDetector.RULE_ID, rule.id())
              .containsEntry(SigmaDetector.RULE_FILE, rule.file());
          if (rule.author() != null) {
            // The Detection Rule License: messages based on a match keep the rule's author.
            assertThat(finding.extendedProperties()).containsEntry(SigmaDetector.RULE_AUTHOR, rule.author());
            assertThat(finding.description()).contains(rule.author());
          }
        }
        for (Path fixture : quiet) {
          harness.send(Files.readString(fixture));
          runs++;
          List<Finding> own = ofType(harness.findings(), type);
          if (!own.isEmpty()) {
            failures.add(stem + "/" + fixture.getFileName() + ": expected no " + type + ", got " + own.get(0).description());
          }
        }
      }
      assertThat(harness.dlq()).as("fixtures must be valid audit events").isEmpty();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      Set<String> orphans = dirs.map(p -> p.getFileName().toString())
          .filter(name -> !stems.contains(name))
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(orphans).as("fixture folders without a loaded rule").isEmpty();
    }
    assertThat(failures).isEmpty();
    assertThat(runs).isGreaterThanOrEqualTo(2 * 18);
  }

  static SigmaConfig corpus() {
    return SigmaConfig.defaults().withRulesDir(Corpus.sigmaRules());
  }

  static List<String> corpusFiles() throws IOException {
    try (Stream<Path> files = Files.list(Corpus.sigmaRules())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted()
          .collect(Collectors.toList());
    }
  }

  private static List<String> relative(List<RuleError> errors) {
    String prefix = Corpus.sigmaRules().toString() + File.separator;
    return errors.stream().map(e -> e.toString().replace(prefix, "")).collect(Collectors.toList());
  }

  private static List<Finding> ofType(List<Finding> findings, String type) {
    return findings.stream().filter(f -> f.alertType().equals(type)).collect(Collectors.toList());
  }

  private static List<Path> fixtures(Path dir, String prefix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .sorted().collect(Collectors.toList());
    }
  }

  static Path fixturesRoot() throws URISyntaxException {
    URL url = SigmaCorpusTest.class.getClassLoader().getResource("sigma-fixtures");
    assertThat(url).as("sigma-fixtures on the test classpath").isNotNull();
    return Path.of(url.toURI());
  }
}
