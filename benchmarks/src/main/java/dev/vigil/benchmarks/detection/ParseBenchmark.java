package dev.vigil.benchmarks.detection;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.vigil.benchmarks.BenchmarkCorpus;
import dev.vigil.detection.parsing.AuditParser;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.VigilHeaders;
import dev.vigil.schemas.audit.AuditReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * Parsing the raw records of the Falco test data into what detectors read, four ways (scores are events
 * per second per thread):
 *
 * <ul>
 *   <li>{@code tree}: a Jackson {@code readTree} of the whole event, nothing more (the floor of any
 *       tree-based design);
 *   <li>{@code databind}: {@code readValue(bytes, AuditEvent.class)} straight into the records;
 *   <li>{@code reader}: the one audit-event contract's streaming reader ({@link AuditReader#events()}),
 *       one pass that validates and extracts the fields of {@link AuditEvent}, trees only for request
 *       and response objects — what the gateway and detection both use;
 *   <li>{@code parser}: {@link AuditParser#parse}, what the topology runs: headers, then the reader.
 * </ul>
 *
 * {@code ParseAlternativesTest} checks that every alternative gives the parser's answer on the corpus.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParseBenchmark {

  static final int EVENTS = 51;

  private static final ObjectReader READER =
      Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private byte[][] raw;
  private RecordHeaders headers;

  @Setup
  public void setUp() {
    List<String> lines = BenchmarkCorpus.events();
    raw = new byte[lines.size()][];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = lines.get(i).getBytes(StandardCharsets.UTF_8);
    }
    if (raw.length != EVENTS) {
      throw new IllegalStateException("expected " + EVENTS + " corpus events, found " + raw.length);
    }
    headers = headers();
  }

  static RecordHeaders headers() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(VigilHeaders.CLUSTER, "bench".getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.WORKSPACE, "default".getBytes(StandardCharsets.UTF_8));
    headers.add(VigilHeaders.RECEIVED_MS, "1700000000000".getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void tree(Blackhole bh) throws IOException {
    for (byte[] bytes : raw) {
      bh.consume(tree(bytes));
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void databind(Blackhole bh) throws IOException {
    for (byte[] bytes : raw) {
      bh.consume(databind(bytes));
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void reader(Blackhole bh) {
    for (byte[] bytes : raw) {
      bh.consume(AuditReader.events().readEvent(bytes));
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void parser(Blackhole bh) {
    for (byte[] bytes : raw) {
      bh.consume(AuditParser.parse(bytes, headers));
    }
  }

  static JsonNode tree(byte[] bytes) throws IOException {
    return READER.readTree(bytes);
  }

  static AuditEvent databind(byte[] bytes) throws IOException {
    return READER.readValue(bytes, AuditEvent.class);
  }
}
