package dev.vigil.benchmarks.detection;

import dev.vigil.benchmarks.BenchmarkCorpus;
import dev.vigil.benchmarks.EventMix;
import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.catalogue.DetectorIndex;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.parsing.AuditParser;
import dev.vigil.detection.parsing.ParseResult;
import dev.vigil.detection.spi.Detector;
import dev.vigil.schemas.AuditEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the detection thread does for one raw record before the stateful rules, measured from the
 * record's bytes: {@link AuditParser#parse} (headers, streaming read, validation), the index lookup,
 * the failed-request rule and every candidate detector of the full built-in catalogue — the same
 * steps as {@code DetectProcessor}, without Kafka. Scores are events per second per thread.
 *
 * <p>{@code mix=ordinary} is the load generator's ordinary traffic ({@link EventMix}: reads by 300
 * principals, 1% real corpus events); {@code mix=storm} is the Falco corpus alone, where nearly every
 * event is a write that matches and builds findings.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PerEventBenchmark {

  static final int EVENTS = 2_000;

  @Param({"ordinary", "storm"})
  public String mix;

  private byte[][] raw;
  private RecordHeaders headers;
  private DetectorIndex index;

  @Setup
  public void setUp() {
    List<String> corpus = BenchmarkCorpus.events();
    List<String> events = mix.equals("storm")
        ? new EventMix(corpus, 1.0, 42).batch(EVENTS, Instant.parse("2026-12-01T10:00:00Z"))
        : new EventMix(corpus, 0.01, 42).batch(EVENTS, Instant.parse("2026-12-01T10:00:00Z"));
    raw = new byte[events.size()][];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = events.get(i).getBytes(StandardCharsets.UTF_8);
    }
    headers = ParseBenchmark.headers();
    index = DetectorCatalogue.builtIn(DetectionConfig.defaults(new SimpleMeterRegistry())).index();
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void parseAndDetect(Blackhole bh) {
    for (byte[] bytes : raw) {
      bh.consume(detect(bytes));
    }
  }

  /** The {@code i}-th raw record of the mix. */
  byte[] raw(int i) {
    return raw[i];
  }

  /** Matches of one raw record, or -1 if it would go to the dead-letter topic. */
  int detect(byte[] bytes) {
    ParseResult result = AuditParser.parse(bytes, headers);
    if (result.isRejected()) {
      return -1;
    }
    AuditEvent event = result.valid().event();
    boolean failed = event.responseCode() >= 400;
    List<Detector> candidates = index.candidates(event.verb(), event.resource());
    int matches = 0;
    for (int i = 0; i < candidates.size(); i++) {
      Detector detector = candidates.get(i);
      if (!failed || detector.interest().failedRequests()) {
        matches += detector.inspect(event).size();
      }
    }
    return matches;
  }
}
