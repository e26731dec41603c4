package dev.vigil.benchmarks.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.benchmarks.BenchmarkCorpus;
import dev.vigil.detection.parsing.AuditParser;
import dev.vigil.detection.parsing.ParseResult;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.audit.AuditReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ParseAlternativesTest {

  @Test
  void everyAlternativeGivesTheParsersEventOnTheWholeCorpus() throws IOException {
    int n = 0;
    for (String line : BenchmarkCorpus.events()) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      ParseResult reference = AuditParser.parse(bytes, ParseBenchmark.headers());
      assertFalse(reference.isRejected(), reference.reason());
      AuditEvent expected = reference.valid().event();

      assertEquals(expected, ParseBenchmark.databind(bytes), "databind: " + line);
      assertEquals(
          expected,
          Json.mapper().treeToValue(ParseBenchmark.tree(bytes), AuditEvent.class),
          "tree: " + line);
      assertEquals(expected, AuditReader.events().readEvent(bytes).event(), "reader: " + line);
      n++;
    }
    assertEquals(ParseBenchmark.EVENTS, n);
  }
}
