package dev.vigil.benchmarks.detection;

import dev.vigil.detection.stateful.WindowState;
import dev.vigil.detection.stateful.WindowStateSerde;
import dev.vigil.schemas.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the window detectors pay per observed event for their state: read the principal's {@link
 * WindowState} from its stored bytes and write it back, as reflective JSON ({@code json}, the format
 * before issue 7) or with {@link WindowStateSerde} ({@code binary}). {@code recent} is the number of
 * observations the state holds ({@code VIGIL_DiscoveryBurst} keeps up to {@code 4 × threshold + 64}).
 * Scores are read-and-write round trips per second. {@code WindowStateSerdeBenchmarkTest} checks that
 * both give back the same state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WindowStateSerdeBenchmark {

  @Param({"10", "100"})
  public int recent;

  private Serializer<WindowState> jsonWriter;
  private Deserializer<WindowState> jsonReader;
  private Serializer<WindowState> binaryWriter;
  private Deserializer<WindowState> binaryReader;
  private byte[] jsonBytes;
  private byte[] binaryBytes;

  @Setup
  public void setUp() {
    JsonSerde<WindowState> json = new JsonSerde<>(WindowState.class);
    WindowStateSerde binary = new WindowStateSerde();
    jsonWriter = json.serializer();
    jsonReader = json.deserializer();
    binaryWriter = binary.serializer();
    binaryReader = binary.deserializer();
    WindowState state = state(recent);
    jsonBytes = jsonWriter.serialize("t", state);
    binaryBytes = binaryWriter.serialize("t", state);
  }

  @Benchmark
  public byte[] json() {
    return jsonWriter.serialize("t", jsonReader.deserialize("t", jsonBytes));
  }

  @Benchmark
  public byte[] binary() {
    return binaryWriter.serialize("t", binaryReader.deserialize("t", binaryBytes));
  }

  /**
   * A principal's state with {@code n} recent observations, shaped like a discovery burst's, read from
   * its JSON form (the stateful package keeps the state's fields to itself).
   */
  static WindowState state(int n) {
    StringBuilder json = new StringBuilder("{\"cluster\":\"prod-eu-1\",\"workspace\":\"default\","
        + "\"user\":\"system:serviceaccount:team-7:app-107\",\"touchedWallMs\":1764000000000,"
        + "\"recent\":[");
    for (int i = 0; i < n; i++) {
      long t = 1_764_000_000_000L + 250L * i;
      json.append(i == 0 ? "" : ",")
          .append("{\"t\":").append(t)
          .append(",\"dim\":\"types\"")
          .append(",\"value\":\"resource-").append(i % 8).append('"')
          .append(",\"label\":\"list resource-").append(i % 8).append('"')
          .append(",\"auditId\":\"0b3c4f6e-2a51-4c1f-9d2e-")
          .append(String.format(Locale.ROOT, "%012d", i)).append('"')
          .append(",\"receivedMs\":").append(t + 40)
          .append(",\"userAgent\":\"app/v1.2.3 (linux/amd64) kubernetes/abcdef\"")
          .append(",\"sourceIp\":\"10.244.1.").append(i % 200).append("\"}");
    }
    json.append("]}");
    return new JsonSerde<>(WindowState.class).deserializer()
        .deserialize("t", json.toString().getBytes(StandardCharsets.UTF_8));
  }
}
