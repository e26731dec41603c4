package dev.vigil.benchmarks.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.benchmarks.BenchmarkCorpus;
import dev.vigil.detection.parsing.AuditEventReader;
import dev.vigil.detection.parsing.AuditParser;
import dev.vigil.detection.parsing.ParseResult;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ParseAlternativesTest {

  @Test
  void everyAlternativeGivesTheParsersEventOnTheWholeCorpus() throws IOException {
    int n = 0;
    for (String line : BenchmarkCorpus.events()) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      ParseResult reference = AuditParser.parseTree(bytes, "bench", "default", 1_700_000_000_000L);
      assertFalse(reference.isRejected(), reference.reason());
      AuditEvent expected = reference.valid().event();

      assertEquals(expected, ParseBenchmark.databind(bytes), "databind: " + line);
      assertEquals(
          expected,
          Json.mapper().treeToValue(ParseBenchmark.tree(bytes), AuditEvent.class),
          "tree: " + line);
      assertEquals(expected, AuditEventReader.read(bytes), "streaming: " + line);
      assertEquals(
          reference.valid(),
          AuditParser.parse(bytes, ParseBenchmark.headers()).valid(),
          "parser: " + line);
      n++;
    }
    assertEquals(ParseBenchmark.EVENTS, n);
  }
}
