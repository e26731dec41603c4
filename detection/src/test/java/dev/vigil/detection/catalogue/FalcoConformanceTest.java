package dev.vigil.detection.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.streams.TopologyHarness;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.testing.Corpus;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Falco conformance: every test case of Falco's {@code falco_k8s_audit_tests.yaml} (as tabulated in
 * the corpus's {@code expected-detections.csv}), replayed through the real topology with the Vigil
 * configuration that corresponds to the Falco rule files it loads ({@code falco/overrides/*.yaml}),
 * and checked against Falco's expected rule counts mapped to Vigil alert types ({@code
 * falco/rule-mapping.csv}). As in Falco's harness, {@code detect: False} means no finding of any
 * type, and a count means exactly that many findings of the mapped type.
 */
class FalcoConformanceTest {

  private static final String IGNORED_RULES = "falco_rules(syscall,irrelevant)";
  private static final String UNSUPPORTED = "-";

  @TempDir Path stateDir;

  record TestCase(
      String name,
      String traceFile,
      boolean detect,
      String expectedCounts,
      List<String> rulesLoaded,
      String stderrContains) {}

  @Test
  void everyFalcoTestCaseGivesTheMappedVigilFindings() {
    Map<String, String> mapping = ruleMapping();
    List<TestCase> cases = testCases();
    assertThat(cases).as("test cases in expected-detections.csv").hasSize(66);
    List<String> failures = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    int checked = 0;

    for (TestCase testCase : cases) {
      if (!testCase.stderrContains().isEmpty()) {
        continue; // the malformed event: see theMalformedEventIsRejectedWithAReason
      }
      Map<String, Integer> expected = new TreeMap<>();
      boolean supported = true;
      for (String count : splitCounts(testCase.expectedCounts())) {
        String rule = count.substring(0, count.lastIndexOf('='));
        int n = Integer.parseInt(count.substring(count.lastIndexOf('=') + 1));
        String type = mapping.get(rule);
        assertThat(type).as("rule-mapping.csv maps Falco rule \"" + rule + "\"").isNotNull();
        if (UNSUPPORTED.equals(type)) {
          supported = false;
        } else {
          expected.merge(type, n, Integer::sum);
        }
      }
      if (!supported) {
        unsupported.add(testCase.name());
        continue;
      }
      DetectionRules rules = rulesFor(testCase.rulesLoaded());
      Map<String, Integer> raised = new TreeMap<>();
      try (TopologyHarness harness =
          new TopologyHarness(stateDir.resolve(testCase.name()), rules)) {
        for (String line : Corpus.lines(Corpus.falcoTraces().resolve(testCase.traceFile()))) {
          harness.send(line);
        }
        assertThat(harness.dlq()).as(testCase.name() + " events rejected").isEmpty();
        for (TestRecord<String, Finding> record : harness.findings()) {
          SchemaAssertions.assertValid(SchemaAssertions.FINDING, record.value());
          raised.merge(record.value().alertType(), 1, Integer::sum);
        }
      }
      checked++;
      if (!testCase.detect()) {
        if (!raised.isEmpty()) {
          failures.add(testCase.name() + ": Falco raises nothing, Vigil raised " + raised);
        }
        continue;
      }
      if (raised.isEmpty()) {
        failures.add(testCase.name() + ": Falco detects " + expected + ", Vigil raised nothing");
      }
      for (Map.Entry<String, Integer> entry : expected.entrySet()) {
        int got = raised.getOrDefault(entry.getKey(), 0);
        if (got != entry.getValue()) {
          failures.add(
              testCase.name() + ": expected " + entry.getValue() + " x " + entry.getKey()
                  + " (Falco " + testCase.expectedCounts() + "), got " + raised);
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(unsupported)
        .as("cases that test Falco's rule language rather than a detection")
        .containsExactly("json_pointer_correct_parse");
    assertThat(checked).isEqualTo(cases.size() - 2);
  }

  @Test
  void theMalformedEventIsRejectedWithAReason() {
    TestCase malformed =
        testCases().stream()
            .filter(c -> !c.stderrContains().isEmpty())
            .findFirst()
            .orElseThrow();
    assertThat(malformed.stderrContains()).isEqualTo("data not recognized as a k8s audit event");
    try (TopologyHarness harness =
        new TopologyHarness(stateDir, rulesFor(malformed.rulesLoaded()))) {
      String line = Corpus.lines(Corpus.falcoTraces().resolve(malformed.traceFile())).get(0);
      harness.send(line);
      assertThat(harness.findings()).isEmpty();
      List<TestRecord<String, byte[]>> dlq = harness.dlq();
      assertThat(dlq).hasSize(1);
      assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(line);
      assertThat(
              new String(
                  dlq.get(0).headers().lastHeader(VigilHeaders.REASON).value(),
                  StandardCharsets.UTF_8))
          .startsWith("kind must be the string \"Event\"");
    }
  }

  @Test
  void everyMappedTypeIsABuiltInDetectorAndEveryFalcoRuleIsMapped() {
    Map<String, String> mapping = ruleMapping();
    List<String> builtIn =
        DetectorCatalogue.builtInDetectors(DetectionRules.defaults()).stream()
            .map(d -> d.info().alertType())
            .collect(Collectors.toList());
    for (Map.Entry<String, String> entry : mapping.entrySet()) {
      if (!UNSUPPORTED.equals(entry.getValue())) {
        assertThat(builtIn).as(entry.getKey()).contains(entry.getValue());
      }
    }
    for (TestCase testCase : testCases()) {
      for (String count : splitCounts(testCase.expectedCounts())) {
        assertThat(mapping).containsKey(count.substring(0, count.lastIndexOf('=')));
      }
      for (String loaded : testCase.rulesLoaded()) {
        rulesFor(List.of(loaded)); // every rule file has a Vigil configuration
      }
    }
  }

  /** Vigil's shipped defaults with the overrides for each Falco rule file, in order. */
  static DetectionRules rulesFor(List<String> rulesLoaded) {
    DetectionRules rules = DetectionRules.defaults();
    for (String loaded : rulesLoaded) {
      if (loaded.equals(IGNORED_RULES)) {
        continue; // the syscall rules: no effect on audit events
      }
      String name = loaded.replace("(default)", "");
      String resource = "/falco/overrides/" + name + ".yaml";
      if ("single_rule_with_json_pointer".equals(name)) {
        continue; // a rule-language test, reported as unsupported by the mapping
      }
      try (InputStream in = FalcoConformanceTest.class.getResourceAsStream(resource)) {
        assertThat(in).as("Vigil configuration for Falco rules " + loaded).isNotNull();
        rules = rules.overlay(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return rules;
  }

  static Map<String, String> ruleMapping() {
    Map<String, String> mapping = new LinkedHashMap<>();
    List<List<String>> rows = csv(resourceText("/falco/rule-mapping.csv"));
    for (List<String> row : rows.subList(1, rows.size())) {
      mapping.put(row.get(0), row.get(1));
    }
    return mapping;
  }

  static List<TestCase> testCases() {
    Path csv = Corpus.root().resolve("falco-k8s-audit").resolve("expected-detections.csv");
    List<List<String>> rows;
    try {
      rows = csv(Files.readString(csv));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> header = rows.get(0);
    List<TestCase> cases = new ArrayList<>();
    for (List<String> row : rows.subList(1, rows.size())) {
      Map<String, String> r = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        r.put(header.get(i), i < row.size() ? row.get(i) : "");
      }
      String trace = r.get("trace_file");
      cases.add(
          new TestCase(
              r.get("test_case"),
              trace.substring(trace.lastIndexOf('/') + 1),
              "True".equals(r.get("detect")),
              r.get("expected_rule_counts_current_names"),
              List.of(r.get("rules_loaded").split(" \\+ ")),
              r.get("stderr_contains")));
    }
    return cases;
  }

  private static List<String> splitCounts(String counts) {
    List<String> parts = new ArrayList<>();
    for (String part : counts.split(";")) {
      if (!part.isBlank()) {
        parts.add(part.strip());
      }
    }
    return parts;
  }

  private static String resourceText(String resource) {
    try (InputStream in = FalcoConformanceTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** RFC 4180 rows: commas, double-quoted fields with doubled quotes, no newlines in fields. */
  static List<List<String>> csv(String text) {
    List<List<String>> rows = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      if (line.isBlank()) {
        continue;
      }
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            field.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
        } else {
          field.append(c);
        }
      }
      fields.add(field.toString());
      rows.add(fields);
    }
    return rows;
  }
}
