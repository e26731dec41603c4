package dev.vigil.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.schemas.Alert;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertDedupBenchmarkTest {

  @Test
  void repeatedFindingsFoldIntoOneAlertPerFingerprint() throws Exception {
    AlertDedupBenchmark bench = new AlertDedupBenchmark();
    bench.setUp();
    try {
      for (int i = 0; i < 3 * AlertDedupBenchmark.FINGERPRINTS; i++) {
        bench.repeatFinding();
      }
      List<Alert> published = bench.drain();
      Map<String, Long> latestCount = new HashMap<>();
      for (Alert alert : published) {
        latestCount.put(alert.id(), alert.count());
      }
      assertEquals(AlertDedupBenchmark.FINGERPRINTS, latestCount.size());
      latestCount.values().forEach(count -> assertEquals(3L, count));
    } finally {
      bench.tearDown();
    }
  }
}
