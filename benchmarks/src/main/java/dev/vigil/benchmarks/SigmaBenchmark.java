package dev.vigil.benchmarks;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.catalogue.DetectorIndex;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.sigma.SigmaCatalogue;
import dev.vigil.detection.sigma.SigmaConfig;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Detection throughput of one thread over the real audit events of the Falco corpus: the built-in
 * catalogue alone, and the built-in catalogue plus every SigmaHQ corpus rule and the shipped rules
 * (the three corpus rules that cannot match raw audit events are skipped, as with
 * {@code --rules-lenient}). One operation is one event through the index and its candidate detectors,
 * exactly as the detect processor runs them, so operations per second are events per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class SigmaBenchmark {

  /** {@code builtin} or {@code sigma}. */
  @Param({"builtin", "sigma"})
  public String catalogue;

  /** The test-data folder; {@link BenchmarkCorpus#root()} when empty. */
  @Param({""})
  public String corpus;

  private DetectorIndex index;
  private AuditEvent[] events;
  private int next;

  @Setup
  public void setUp() throws IOException {
    Path root = corpus.isEmpty() ? BenchmarkCorpus.root() : Path.of(corpus);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DetectorCatalogue builtIn = DetectorCatalogue.builtIn(DetectionConfig.defaults(registry));
    if (catalogue.equals("sigma")) {
      SigmaConfig config = SigmaConfig.defaults()
          .withRulesDir(root.resolve("sigma-kubernetes-audit"))
          .withLenient(true);
      index = SigmaCatalogue.load(builtIn.all(), config, registry).get().index();
    } else {
      index = builtIn.index();
    }
    List<AuditEvent> parsed = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.resolve("falco-k8s-audit").resolve("falco-trace-files"))) {
      for (Path file : (Iterable<Path>) files.sorted()::iterator) {
        for (String line : Files.readAllLines(file)) {
          if (line.isBlank()) {
            continue;
          }
          try {
            parsed.add(Json.mapper().readValue(line, AuditEvent.class));
          } catch (IOException e) {
            // The corpus holds one deliberately malformed trace; detection never sees such a line.
          }
        }
      }
    }
    events = parsed.toArray(new AuditEvent[0]);
  }

  @Benchmark
  public void detect(Blackhole hole) {
    AuditEvent event = events[next];
    next = next + 1 == events.length ? 0 : next + 1;
    boolean failed = event.responseCode() >= 400;
    List<Detector> candidates = index.candidates(event.verb(), event.resource());
    for (int i = 0; i < candidates.size(); i++) {
      Detector detector = candidates.get(i);
      if (failed && !detector.interest().failedRequests()) {
        continue;
      }
      List<Match> matches = detector.inspect(event);
      hole.consume(matches);
    }
  }
}
