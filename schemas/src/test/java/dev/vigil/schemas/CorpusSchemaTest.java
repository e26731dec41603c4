package dev.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.schemas.testing.Corpus;
import dev.vigil.schemas.testing.SchemaAssertions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorpusSchemaTest {

  @Test
  void everyFalcoTraceEventValidatesAndParses() throws Exception {
    List<String> failures = new ArrayList<>();
    int events = 0;
    for (Path file : Corpus.falcoTraceFiles()) {
      if (file.getFileName().toString().equals(Corpus.MALFORMED_TRACE)) {
        continue;
      }
      for (String line : Corpus.lines(file)) {
        JsonNode node = Json.mapper().readTree(line);
        var errors = SchemaAssertions.errors(SchemaAssertions.AUDIT_EVENT, node);
        if (!errors.isEmpty()) {
          failures.add(file.getFileName() + ": " + errors);
        }
        AuditEvent event = Json.mapper().treeToValue(node, AuditEvent.class);
        assertThat(event.auditID()).isNotBlank();
        assertThat(event.stageTimestamp()).isNotNull();
        events++;
      }
    }
    assertThat(failures).isEmpty();
    assertThat(events).isGreaterThanOrEqualTo(50);
  }

  @Test
  void theMalformedTraceFailsTheSchema() throws Exception {
    JsonNode node =
        Json.mapper().readTree(Corpus.falcoTraces().resolve(Corpus.MALFORMED_TRACE).toFile());
    assertThat(SchemaAssertions.errors(SchemaAssertions.AUDIT_EVENT, node)).isNotEmpty();
  }

  @Test
  void bothAuditApiVersionsAreAcceptedAndOthersAreNot() throws Exception {
    String template =
        "{\"kind\":\"Event\",\"apiVersion\":\"%s\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\","
            + "\"verb\":\"get\",\"user\":{\"username\":\"u\"},\"stageTimestamp\":\"2024-01-01T00:00:00.123456Z\"}";
    for (String version : List.of("audit.k8s.io/v1", "audit.k8s.io/v1beta1")) {
      assertThat(SchemaAssertions.errors("audit-event", Json.mapper().readTree(template.formatted(version))))
          .isEmpty();
    }
    assertThat(SchemaAssertions.errors("audit-event", Json.mapper().readTree(template.formatted("v2"))))
        .isNotEmpty();
  }
}
