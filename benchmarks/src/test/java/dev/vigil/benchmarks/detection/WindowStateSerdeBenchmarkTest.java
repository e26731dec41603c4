package dev.vigil.benchmarks.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.detection.stateful.WindowState;
import dev.vigil.detection.stateful.WindowStateSerde;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.JsonSerde;
import org.junit.jupiter.api.Test;

class WindowStateSerdeBenchmarkTest {

  @Test
  void bothFormatsGiveBackTheSameState() throws Exception {
    WindowStateSerdeBenchmark bench = new WindowStateSerdeBenchmark();
    bench.recent = 100;
    bench.setUp();
    String expected = Json.mapper().writeValueAsString(WindowStateSerdeBenchmark.state(100));
    JsonSerde<WindowState> json = new JsonSerde<>(WindowState.class);
    WindowStateSerde binary = new WindowStateSerde();
    assertEquals(expected,
        Json.mapper().writeValueAsString(json.deserializer().deserialize("t", bench.json())));
    assertEquals(expected,
        Json.mapper().writeValueAsString(binary.deserializer().deserialize("t", bench.binary())));
  }
}
