package dev.vigil.benchmarks;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.catalogue.DetectorIndex;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The full single-event detector catalogue (every alert type switched on) over the real audit
 * events of the Falco traces in {@code testdata/falco-k8s-audit} ({@link BenchmarkCorpus}), the way
 * the detection topology runs it: index lookup by (verb, resource), the failed-request rule, then each
 * candidate. Scores are events per second per thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CatalogueBenchmark {

  /** Number of corpus events each invocation evaluates; JMH divides by it. */
  static final int EVENTS = 51;

  private static final String ALL_TYPES =
      "alertTypes:\n"
          + "  VIGIL_DisallowedUser: {enabled: true}\n"
          + "  VIGIL_DisallowedNamespace: {enabled: true}\n"
          + "  VIGIL_DisallowedImage: {trusted: {images: [registry.example.com/]}}\n"
          + "  VIGIL_ResourceActivity: {enabled: true}\n";

  private AuditEvent[] events;
  private byte[][] raw;
  private DetectorIndex index;

  @Setup
  public void setUp() {
    List<String> lines = BenchmarkCorpus.events();
    if (lines.size() != EVENTS) {
      throw new IllegalStateException(
          "expected " + EVENTS + " valid corpus events, found " + lines.size()
              + ": update CatalogueBenchmark.EVENTS to the corpus");
    }
    events = new AuditEvent[lines.size()];
    raw = new byte[lines.size()][];
    for (int i = 0; i < lines.size(); i++) {
      raw[i] = lines.get(i).getBytes(StandardCharsets.UTF_8);
      events[i] = parse(raw[i]);
    }
    DetectionRules rules = DetectionRules.defaults().overlay("benchmark", ALL_TYPES);
    DetectorCatalogue catalogue =
        DetectorCatalogue.builtIn(
            DetectionConfig.defaults(new SimpleMeterRegistry()).withRules(rules));
    index = catalogue.index();
  }

  /** Detection only: events already parsed. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void detect(Blackhole blackhole) {
    for (AuditEvent event : events) {
      blackhole.consume(evaluate(event));
    }
  }

  /** What the topology's detect step costs per raw record: JSON parse, then detection. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void parseAndDetect(Blackhole blackhole) {
    for (byte[] bytes : raw) {
      blackhole.consume(evaluate(parse(bytes)));
    }
  }

  /** The number of matches, evaluating exactly as the detection topology's detect step does. */
  int evaluate(AuditEvent event) {
    boolean failed = event.responseCode() >= 400;
    List<Detector> candidates = index.candidates(event.verb(), event.resource());
    int matches = 0;
    for (int i = 0; i < candidates.size(); i++) {
      Detector detector = candidates.get(i);
      if (failed && !detector.interest().failedRequests()) {
        continue;
      }
      List<Match> found = detector.inspect(event);
      matches += found.size();
    }
    return matches;
  }

  private static AuditEvent parse(byte[] bytes) {
    try {
      return Json.mapper().readValue(bytes, AuditEvent.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
