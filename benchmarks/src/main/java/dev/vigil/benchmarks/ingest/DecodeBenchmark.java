package dev.vigil.benchmarks.ingest;

import dev.vigil.benchmarks.BenchmarkCorpus;
import dev.vigil.ingest.AuditBatchDecoder;
import dev.vigil.ingest.IngestLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The gateway's decode-and-split of one request body: a gzip'd {@code EventList} of 400 corpus events
 * (kube-apiserver's default webhook batch) inflated, split into per-event byte ranges and validated
 * ({@link AuditBatchDecoder#decode}). Scores are events per second per thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecodeBenchmark {

  static final int EVENTS_PER_BATCH = 400;

  private AuditBatchDecoder decoder;
  private byte[] gzipBody;

  @Setup
  public void setUp() {
    decoder = new AuditBatchDecoder(IngestLimits.defaults().maxBodyBytes());
    gzipBody = gzip(eventList(BenchmarkCorpus.events(), EVENTS_PER_BATCH));
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS_PER_BATCH)
  public AuditBatchDecoder.DecodedBatch decodeGzipEventList() {
    return decoder.decode(gzipBody, true);
  }

  AuditBatchDecoder decoder() {
    return decoder;
  }

  byte[] body() {
    return gzipBody;
  }

  /** An EventList of {@code count} events, cycling through {@code events}. */
  static byte[] eventList(List<String> events, int count) {
    StringBuilder body = new StringBuilder("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\","
        + "\"metadata\":{},\"items\":[");
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append(events.get(i % events.size()));
    }
    return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
