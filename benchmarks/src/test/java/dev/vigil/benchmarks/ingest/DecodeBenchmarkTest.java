package dev.vigil.benchmarks.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.benchmarks.BenchmarkCorpus;
import dev.vigil.ingest.AuditBatchDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodeBenchmarkTest {

  @Test
  void theBenchmarkBodySplitsIntoFourHundredValidEventsWithTheirExactBytes() {
    DecodeBenchmark bench = new DecodeBenchmark();
    bench.setUp();
    List<String> events = BenchmarkCorpus.events();
    AuditBatchDecoder.DecodedBatch batch = bench.decodeGzipEventList();
    assertEquals(DecodeBenchmark.EVENTS_PER_BATCH, batch.items().size());
    for (AuditBatchDecoder.Item item : batch.items()) {
      assertTrue(item.valid(), item.rejectReason());
      assertArrayEquals(
          events.get(item.index() % events.size()).getBytes(StandardCharsets.UTF_8), item.json());
    }
  }
}
